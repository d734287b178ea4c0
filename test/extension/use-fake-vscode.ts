// Import first in a test file that loads extension code using `vscode`.
import { installFakeVscode } from './fake-vscode.js';

installFakeVscode();

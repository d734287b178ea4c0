// One step of the options menus (build, run): a list of entries such as KEY=VALUE, edited one by one.
import * as vscode from 'vscode';

export interface Suggestion {
  label: string;
  description?: string;
  value: string;
}

/**
 * A list of KEY=VALUE-like entries: pick one to edit it (an empty value removes it), a suggestion or
 * "Add" to add one. Escape (or Done) returns to the options menu with what is there.
 */
export async function editList(title: string, start: string[], suggestions: Suggestion[], prompt: string, check: (v: string) => string | undefined): Promise<string[]> {
  const list = [...start];
  for (;;) {
    type Item = vscode.QuickPickItem & { index?: number; value?: string; done?: boolean };
    const items: Item[] = [
      { label: '$(check) Done', done: true },
      ...list.map((v, index) => ({ label: v, description: 'edit (empty removes)', index })),
      ...suggestions.filter((s) => !list.some((v) => v.split('=')[0] === s.value.split('=')[0] || v.startsWith(s.value))).map((s) => ({ label: s.label, description: s.description, value: s.value })),
      { label: '$(add) Add...', value: '' },
    ];
    const picked = await vscode.window.showQuickPick<Item>(items, { title, placeHolder: prompt, ignoreFocusOut: true });
    if (!picked || picked.done) return list;
    const value = await vscode.window.showInputBox({
      title, prompt, ignoreFocusOut: true,
      value: picked.index !== undefined ? list[picked.index] : picked.value,
      validateInput: (v) => (v.trim() === '' && picked.index !== undefined ? undefined : check(v.trim())),
    });
    if (value === undefined) continue;
    if (picked.index !== undefined) {
      if (value.trim()) list[picked.index] = value.trim();
      else list.splice(picked.index, 1);
    } else if (value.trim()) {
      list.push(value.trim());
    }
  }
}

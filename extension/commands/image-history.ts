// Show History: the selected image's layers (age, size, the instruction that made each) in a read-only document.
import { showEngineError, targets, type EngineCtx, type Handler } from './command-context.js';

export const showImageHistory = (e: EngineCtx): Handler => async (...args) => {
  const images = await targets(e, 'image', args, { placeHolder: 'Image whose history to show' });
  for (const img of images.slice(0, 10)) {
    const ref = img.ref ?? img.id.replace(/^sha256:/, '').slice(0, 12);
    try {
      await e.ctx.historyDocuments.open(ref, img.ref ?? img.id);
    } catch (err) {
      showEngineError(err, `show the history of ${ref}`);
    }
  }
};

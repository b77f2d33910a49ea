import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Replaces a file so that a crash at any moment leaves either the old or the new content:
 * write a temporary file beside it, flush it to disk, rename over the target, flush the folder.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    if (typeof content === 'string') {
      writeSync(fd, content);
    } else {
      // One write may take less than asked of large buffers (a model copy): write the rest.
      for (let at = 0; at < content.length; ) at += writeSync(fd, content, at);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(path.dirname(file));
}

export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether arrays and objects in the JSON `text` nest deeper than `maxDepth`. One pass over the characters, no recursion: a body nested 50,000 deep
 * (a few hundred KB) is refused before JSON.parse or any recursive walk over the value runs.
 */
export function jsonDepthExceeded(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The platform a native binary is built for, read from its header as the loader reads it:
 * ELF (linux: e_machine), Mach-O (darwin: cputype) or PE (win32: the COFF machine field).
 * Undefined for anything else (scripts, text, data).
 */
export function binaryPlatform(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 64) return undefined;
  if (view.getUint32(0) === 0x7f454c46) {
    const machine = view.getUint16(18, bytes[5] === 1);
    return `linux-${({ 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm', 0x03: 'ia32' } as Record<number, string>)[machine] ?? `machine-0x${machine.toString(16)}`}`;
  }
  if (view.getUint32(0, true) === 0xfeedfacf) {
    const cpu = view.getUint32(4, true);
    return `darwin-${({ 0x01000007: 'x64', 0x0100000c: 'arm64' } as Record<number, string>)[cpu] ?? `cpu-0x${cpu.toString(16)}`}`;
  }
  // A universal (fat) Mach-O holds several architectures: none of the targets should ship one.
  if (view.getUint32(0) === 0xcafebabe) return 'darwin-universal';
  if (bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = view.getUint32(0x3c, true);
    if (pe + 6 > bytes.length || view.getUint32(pe) !== 0x50450000) return undefined;
    const machine = view.getUint16(pe + 4, true);
    return `win32-${({ 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32' } as Record<number, string>)[machine] ?? `machine-0x${machine.toString(16)}`}`;
  }
  return undefined;
}

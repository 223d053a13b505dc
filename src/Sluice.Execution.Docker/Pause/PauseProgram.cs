using System.Buffers.Binary;

namespace Sluice.Execution.Docker.Pause;

/// <summary>
/// The namespace holder's program: a static ELF executable of a few instructions that sleeps
/// forever, written here byte by byte so the holder image depends on no registry and no file on the
/// host. Linux ends it with SIGKILL when the holder is removed.
/// </summary>
internal static class PauseProgram
{
    private const ulong BaseAddress = 0x400000;
    private const int ElfHeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int CodeOffset = ElfHeaderSize + ProgramHeaderSize;

    private const ushort MachineX86_64 = 62;
    private const ushort MachineAarch64 = 183;

    /// <summary>
    /// x86-64: <c>loop: mov eax, 34 (pause); syscall; jmp loop</c>. <c>pause</c> returns only when a
    /// handled signal arrives, and there are no handlers, so the loop is only a guard.
    /// </summary>
    private static readonly byte[] X86_64Code =
    [
        0xB8, 0x22, 0x00, 0x00, 0x00, // mov eax, 34
        0x0F, 0x05,                   // syscall
        0xEB, 0xF7,                   // jmp -9 (back to mov)
    ];

    /// <summary>
    /// aarch64 has no <c>pause</c> syscall: <c>ppoll(NULL, 0, NULL, NULL, 0)</c> blocks until a signal.
    /// Each instruction is a little-endian 32-bit word.
    /// </summary>
    private static readonly uint[] Aarch64Code =
    [
        0xD2800000, // movz x0, #0   (fds)
        0xD2800001, // movz x1, #0   (nfds)
        0xD2800002, // movz x2, #0   (timeout: none)
        0xD2800003, // movz x3, #0   (sigmask)
        0xD2800004, // movz x4, #0   (sigsetsize)
        0xD2800928, // movz x8, #73  (__NR_ppoll)
        0xD4000001, // svc #0
        0x17FFFFF9, // b -7 instructions (back to the first movz)
    ];

    /// <summary>The executable for a Docker daemon architecture (<c>x86_64</c>, <c>amd64</c>, <c>aarch64</c>, <c>arm64</c>), or null.</summary>
    public static byte[]? For(string architecture) => architecture.ToUpperInvariant() switch
    {
        "X86_64" or "AMD64" => Build(MachineX86_64, X86_64Code),
        "AARCH64" or "ARM64" => Build(MachineAarch64, [.. Aarch64Code.SelectMany(word =>
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, word);
            return bytes;
        })]),
        _ => null,
    };

    /// <summary>A 64-bit little-endian ELF with one loadable, executable segment holding the whole file.</summary>
    private static byte[] Build(ushort machine, byte[] code)
    {
        var image = new byte[CodeOffset + code.Length];
        var span = image.AsSpan();

        // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV.
        "\u007FELF"u8.CopyTo(span);
        span[4] = 2;
        span[5] = 1;
        span[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(span[16..], 2); // e_type: ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(span[18..], machine);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 1); // e_version
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], BaseAddress + CodeOffset); // e_entry
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], ElfHeaderSize); // e_phoff
        BinaryPrimitives.WriteUInt64LittleEndian(span[40..], 0); // e_shoff: no sections
        BinaryPrimitives.WriteUInt32LittleEndian(span[48..], 0); // e_flags
        BinaryPrimitives.WriteUInt16LittleEndian(span[52..], ElfHeaderSize); // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(span[54..], ProgramHeaderSize); // e_phentsize
        BinaryPrimitives.WriteUInt16LittleEndian(span[56..], 1); // e_phnum
        BinaryPrimitives.WriteUInt16LittleEndian(span[58..], 64); // e_shentsize
        BinaryPrimitives.WriteUInt16LittleEndian(span[60..], 0); // e_shnum
        BinaryPrimitives.WriteUInt16LittleEndian(span[62..], 0); // e_shstrndx

        var header = span[ElfHeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 1); // p_type: PT_LOAD
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 5); // p_flags: R + X
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], 0); // p_offset
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], BaseAddress); // p_vaddr
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], BaseAddress); // p_paddr
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], (ulong)image.Length); // p_filesz
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], (ulong)image.Length); // p_memsz
        BinaryPrimitives.WriteUInt64LittleEndian(header[48..], 0x10000); // p_align: valid for 4K and 64K pages

        code.CopyTo(span[CodeOffset..]);
        return image;
    }
}

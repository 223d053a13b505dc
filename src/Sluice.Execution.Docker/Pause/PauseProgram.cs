using System.Buffers.Binary;

namespace Sluice.Execution.Docker.Pause;

/// <summary>
/// The namespace holder's program: a static ELF executable written here instruction by instruction, so
/// the holder image depends on no registry and no file on the host. Without arguments it sleeps until
/// killed (x86-64: the <c>pause</c> syscall; aarch64, which has none: <c>ppoll(NULL, 0, NULL, NULL, 0)</c>).
/// Run again through Docker exec in the holder, it is also the TCP and HTTP readiness check, from inside
/// the sandbox's network namespace:
/// <list type="bullet">
/// <item><c>/pause PORT</c>: exit 0 when a TCP connection to 127.0.0.1:PORT succeeds, else 1;</item>
/// <item><c>/pause PORT PATH</c>: send <c>GET PATH HTTP/1.0</c> there, exit 0 when the status is 2xx or 3xx, else 1.</item>
/// </list>
/// The listings below were assembled with GNU as (Intel syntax for x86-64) and checked by running both
/// programs, aarch64 under qemu-user; the comment beside each encoding is its disassembly.
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
    /// Registers: r12 the initial stack (argc, argv), ebx the port, r13 the socket, r14 the bytes
    /// received; the 16 bytes at rsp hold the sockaddr_in, then the start of the response.
    /// </summary>
    private static readonly byte[] X86_64Code =
    [
        // _start:
        0x49, 0x89, 0xE4, // mov r12,rsp
        0x49, 0x83, 0x3C, 0x24, 0x02, // cmp QWORD PTR [r12],0x2
        0x73, 0x09, // jae 13 <probe>
        // idle:
        0xB8, 0x22, 0x00, 0x00, 0x00, // mov eax,0x22
        0x0F, 0x05, // syscall
        0xEB, 0xF7, // jmp a <idle>
        // probe:
        0x49, 0x8B, 0x74, 0x24, 0x10, // mov rsi,QWORD PTR [r12+0x10]
        0x31, 0xDB, // xor ebx,ebx
        // digits:
        0x0F, 0xB6, 0x06, // movzx eax,BYTE PTR [rsi]
        0x83, 0xE8, 0x30, // sub eax,0x30
        0x83, 0xF8, 0x09, // cmp eax,0x9
        0x77, 0x0A, // ja 2f <parsed>
        0x6B, 0xDB, 0x0A, // imul ebx,ebx,0xa
        0x01, 0xC3, // add ebx,eax
        0x48, 0xFF, 0xC6, // inc rsi
        0xEB, 0xEB, // jmp 1a <digits>
        // parsed:
        0x86, 0xFB, // xchg bl,bh
        0x48, 0x83, 0xEC, 0x10, // sub rsp,0x10
        0x66, 0xC7, 0x04, 0x24, 0x02, 0x00, // mov WORD PTR [rsp],0x2
        0x66, 0x89, 0x5C, 0x24, 0x02, // mov WORD PTR [rsp+0x2],bx
        0xC7, 0x44, 0x24, 0x04, 0x7F, 0x00, 0x00, 0x01, // mov DWORD PTR [rsp+0x4],0x100007f
        0x48, 0xC7, 0x44, 0x24, 0x08, 0x00, 0x00, 0x00, 0x00, // mov QWORD PTR [rsp+0x8],0x0
        0xB8, 0x29, 0x00, 0x00, 0x00, // mov eax,0x29
        0xBF, 0x02, 0x00, 0x00, 0x00, // mov edi,0x2
        0xBE, 0x01, 0x00, 0x00, 0x00, // mov esi,0x1
        0x31, 0xD2, // xor edx,edx
        0x0F, 0x05, // syscall
        0x85, 0xC0, // test eax,eax
        0x0F, 0x88, 0x97, 0x00, 0x00, 0x00, // js 103 <fail>
        0x41, 0x89, 0xC5, // mov r13d,eax
        0xB8, 0x2A, 0x00, 0x00, 0x00, // mov eax,0x2a
        0x44, 0x89, 0xEF, // mov edi,r13d
        0x48, 0x89, 0xE6, // mov rsi,rsp
        0xBA, 0x10, 0x00, 0x00, 0x00, // mov edx,0x10
        0x0F, 0x05, // syscall
        0x85, 0xC0, // test eax,eax
        0x75, 0x7E, // jne 103 <fail>
        0x49, 0x83, 0x3C, 0x24, 0x03, // cmp QWORD PTR [r12],0x3
        0x72, 0x7E, // jb 10a <ok>
        0x48, 0x8D, 0x35, 0x9D, 0x00, 0x00, 0x00, // lea rsi,[rip+0x9d] # 130 <get>
        0xBA, 0x04, 0x00, 0x00, 0x00, // mov edx,0x4
        0xE8, 0x76, 0x00, 0x00, 0x00, // call 113 <send>
        0x49, 0x8B, 0x74, 0x24, 0x18, // mov rsi,QWORD PTR [r12+0x18]
        0x31, 0xD2, // xor edx,edx
        // length:
        0x80, 0x3C, 0x16, 0x00, // cmp BYTE PTR [rsi+rdx*1],0x0
        0x74, 0x05, // je af <measured>
        0x48, 0xFF, 0xC2, // inc rdx
        0xEB, 0xF5, // jmp a4 <length>
        // measured:
        0xE8, 0x5F, 0x00, 0x00, 0x00, // call 113 <send>
        0x48, 0x8D, 0x35, 0x79, 0x00, 0x00, 0x00, // lea rsi,[rip+0x79] # 134 <tail>
        0xBA, 0x38, 0x00, 0x00, 0x00, // mov edx,0x38
        0xE8, 0x4E, 0x00, 0x00, 0x00, // call 113 <send>
        0x45, 0x31, 0xF6, // xor r14d,r14d
        // receive:
        0x31, 0xC0, // xor eax,eax
        0x44, 0x89, 0xEF, // mov edi,r13d
        0x4A, 0x8D, 0x34, 0x34, // lea rsi,[rsp+r14*1]
        0xBA, 0x0C, 0x00, 0x00, 0x00, // mov edx,0xc
        0x44, 0x29, 0xF2, // sub edx,r14d
        0x0F, 0x05, // syscall
        0x85, 0xC0, // test eax,eax
        0x7E, 0x09, // jle e8 <check>
        0x41, 0x01, 0xC6, // add r14d,eax
        0x41, 0x83, 0xFE, 0x0C, // cmp r14d,0xc
        0x72, 0xE0, // jb c8 <receive>
        // check:
        0x41, 0x83, 0xFE, 0x0C, // cmp r14d,0xc
        0x72, 0x15, // jb 103 <fail>
        0x81, 0x3C, 0x24, 0x48, 0x54, 0x54, 0x50, // cmp DWORD PTR [rsp],0x50545448
        0x75, 0x0C, // jne 103 <fail>
        0x8A, 0x44, 0x24, 0x09, // mov al,BYTE PTR [rsp+0x9]
        0x3C, 0x32, // cmp al,0x32
        0x74, 0x0B, // je 10a <ok>
        0x3C, 0x33, // cmp al,0x33
        0x74, 0x07, // je 10a <ok>
        // fail:
        0xBF, 0x01, 0x00, 0x00, 0x00, // mov edi,0x1
        0xEB, 0x02, // jmp 10c <leave>
        // ok:
        0x31, 0xFF, // xor edi,edi
        // leave:
        0xB8, 0x3C, 0x00, 0x00, 0x00, // mov eax,0x3c
        0x0F, 0x05, // syscall
        // send:
        0x48, 0x85, 0xD2, // test rdx,rdx
        0x74, 0x17, // je 12f <sent>
        0xB8, 0x01, 0x00, 0x00, 0x00, // mov eax,0x1
        0x44, 0x89, 0xEF, // mov edi,r13d
        0x0F, 0x05, // syscall
        0x48, 0x85, 0xC0, // test rax,rax
        0x7E, 0xDC, // jle 103 <fail>
        0x48, 0x01, 0xC6, // add rsi,rax
        0x48, 0x29, 0xC2, // sub rdx,rax
        0xEB, 0xE4, // jmp 113 <send>
        // sent:
        0xC3, // ret
    ];

    /// <summary>
    /// Registers: x19 the initial stack (argc, argv), w2 the port, x20 the socket, x21 the bytes
    /// received; the 16 bytes at sp hold the sockaddr_in, then the start of the response.
    /// </summary>
    private static readonly uint[] Aarch64Code =
    [
        // _start:
        0x910003F3, // mov x19, sp
        0xF9400260, // ldr x0, [x19]
        0xF100081F, // cmp x0, #0x2
        0x54000122, // b.cs 30 <probe>
        // idle:
        0xD2800000, // mov x0, #0x0
        0xD2800001, // mov x1, #0x0
        0xD2800002, // mov x2, #0x0
        0xD2800003, // mov x3, #0x0
        0xD2800004, // mov x4, #0x0
        0xD2800928, // mov x8, #0x49
        0xD4000001, // svc #0x0
        0x17FFFFF9, // b 10 <idle>
        // probe:
        0xF9400A61, // ldr x1, [x19, #16]
        0x52800002, // mov w2, #0x0
        0x52800144, // mov w4, #0xa
        // digits:
        0x38401423, // ldrb w3, [x1], #1
        0x5100C063, // sub w3, w3, #0x30
        0x7100247F, // cmp w3, #0x9
        0x54000068, // b.hi 54 <parsed>
        0x1B040C42, // madd w2, w2, w4, w3
        0x17FFFFFB, // b 3c <digits>
        // parsed:
        0x5AC00442, // rev16 w2, w2
        0xD10043FF, // sub sp, sp, #0x10
        0x52800043, // mov w3, #0x2
        0x790003E3, // strh w3, [sp]
        0x790007E2, // strh w2, [sp, #2]
        0x52800FE3, // mov w3, #0x7f
        0x72A02003, // movk w3, #0x100, lsl #16
        0xB90007E3, // str w3, [sp, #4]
        0xF90007FF, // str xzr, [sp, #8]
        0xD2800040, // mov x0, #0x2
        0xD2800021, // mov x1, #0x1
        0xD2800002, // mov x2, #0x0
        0xD28018C8, // mov x8, #0xc6
        0xD4000001, // svc #0x0
        0xB7F805E0, // tbnz x0, #63, 148 <fail>
        0xAA0003F4, // mov x20, x0
        0x910003E1, // mov x1, sp
        0xD2800202, // mov x2, #0x10
        0xD2801968, // mov x8, #0xcb
        0xD4000001, // svc #0x0
        0xB5000520, // cbnz x0, 148 <fail>
        0xF9400260, // ldr x0, [x19]
        0xF1000C1F, // cmp x0, #0x3
        0x54000503, // b.cc 150 <ok>
        0x10000681, // adr x1, 184 <get>
        0xD2800082, // mov x2, #0x4
        0x94000028, // bl 15c <send>
        0xF9400E61, // ldr x1, [x19, #24]
        0xD2800002, // mov x2, #0x0
        // length:
        0x38626823, // ldrb w3, [x1, x2]
        0x34000063, // cbz w3, d8 <measured>
        0x91000442, // add x2, x2, #0x1
        0x17FFFFFD, // b c8 <length>
        // measured:
        0x94000021, // bl 15c <send>
        0x10000561, // adr x1, 188 <tail>
        0xD2800702, // mov x2, #0x38
        0x9400001E, // bl 15c <send>
        0xD2800015, // mov x21, #0x0
        // receive:
        0xAA1403E0, // mov x0, x20
        0x8B3563E1, // add x1, sp, x21
        0xD2800182, // mov x2, #0xc
        0xCB150042, // sub x2, x2, x21
        0xD28007E8, // mov x8, #0x3f
        0xD4000001, // svc #0x0
        0xF100001F, // cmp x0, #0x0
        0x5400008D, // b.le 118 <check>
        0x8B0002B5, // add x21, x21, x0
        0xF10032BF, // cmp x21, #0xc
        0x54FFFEC3, // b.cc ec <receive>
        // check:
        0xF10032BF, // cmp x21, #0xc
        0x54000163, // b.cc 148 <fail>
        0xB94003E3, // ldr w3, [sp]
        0x528A8904, // mov w4, #0x5448
        0x72AA0A84, // movk w4, #0x5054, lsl #16
        0x6B04007F, // cmp w3, w4
        0x540000C1, // b.ne 148 <fail>
        0x394027E3, // ldrb w3, [sp, #9]
        0x7100C87F, // cmp w3, #0x32
        0x540000A0, // b.eq 150 <ok>
        0x7100CC7F, // cmp w3, #0x33
        0x54000060, // b.eq 150 <ok>
        // fail:
        0xD2800020, // mov x0, #0x1
        0x14000002, // b 154 <leave>
        // ok:
        0xD2800000, // mov x0, #0x0
        // leave:
        0xD2800BA8, // mov x8, #0x5d
        0xD4000001, // svc #0x0
        // send:
        0xB4000122, // cbz x2, 180 <sent>
        0xAA1403E0, // mov x0, x20
        0xD2800808, // mov x8, #0x40
        0xD4000001, // svc #0x0
        0xF100001F, // cmp x0, #0x0
        0x54FFFECD, // b.le 148 <fail>
        0x8B000021, // add x1, x1, x0
        0xCB000042, // sub x2, x2, x0
        0x17FFFFF8, // b 15c <send>
        // sent:
        0xD65F03C0, // ret
    ];

    /// <summary>The request around the path; it follows the code at once (labels <c>get</c> and <c>tail</c>).</summary>
    private static ReadOnlySpan<byte> RequestStart => "GET "u8;

    private static ReadOnlySpan<byte> RequestEnd => " HTTP/1.0\r\nHost: localhost\r\nUser-Agent: sluice-probe\r\n\r\n"u8;

    /// <summary>The executable for a Docker daemon architecture (<c>x86_64</c>, <c>amd64</c>, <c>aarch64</c>, <c>arm64</c>), or null.</summary>
    public static byte[]? For(string architecture) => architecture.ToUpperInvariant() switch
    {
        "X86_64" or "AMD64" => Build(MachineX86_64, X86_64Code),
        "AARCH64" or "ARM64" => Build(MachineAarch64, LittleEndian(Aarch64Code)),
        _ => null,
    };

    private static byte[] LittleEndian(uint[] words)
    {
        var bytes = new byte[words.Length * 4];
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }

    /// <summary>A 64-bit little-endian ELF with one loadable, executable segment holding the whole file.</summary>
    private static byte[] Build(ushort machine, byte[] code)
    {
        var image = new byte[CodeOffset + code.Length + RequestStart.Length + RequestEnd.Length];
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
        RequestStart.CopyTo(span[(CodeOffset + code.Length)..]);
        RequestEnd.CopyTo(span[(CodeOffset + code.Length + RequestStart.Length)..]);
        return image;
    }
}

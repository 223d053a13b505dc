using System.Security.Cryptography;

namespace Sluice.Oci;

/// <summary>
/// Reads content through while hashing and counting it; at the end, or when more arrives than the
/// descriptor's size, it throws <see cref="InvalidDataException"/> unless size and digest match. A
/// reader that stops early gets no check, so callers that need one read to the end.
/// </summary>
internal sealed class VerifyingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly Descriptor _expected;
    private readonly string _source;
    private readonly IncrementalHash _hash;
    private readonly IDisposable? _owner;
    private readonly bool _leaveOpen;
    private long _read;
    private bool _verified;

    /// <param name="inner">The content.</param>
    /// <param name="expected">What the content must be.</param>
    /// <param name="source">Where it comes from, for messages (a registry URL, a layout path).</param>
    /// <param name="owner">Disposed with this stream (an HTTP response).</param>
    /// <param name="leaveOpen">Whether <paramref name="inner"/> stays open (a caller's stream).</param>
    public VerifyingReadStream(Stream inner, Descriptor expected, string source, IDisposable? owner = null, bool leaveOpen = false)
    {
        _leaveOpen = leaveOpen;
        _inner = inner;
        _expected = expected;
        _source = source;
        _owner = owner;
        _hash = expected.Digest.CreateHash();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _expected.Size;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Account(buffer[..read], buffer.Length);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken);
        Account(buffer.Span[..read], buffer.Length);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }

            _hash.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> data, int requested)
    {
        _read += data.Length;
        if (_read > _expected.Size)
        {
            throw new InvalidDataException($"{_source}: {_expected.Digest} has more than the {_expected.Size} bytes its descriptor gives");
        }

        _hash.AppendData(data);
        if (data.Length == 0 && requested > 0 && !_verified)
        {
            _verified = true;
            if (_read != _expected.Size)
            {
                throw new InvalidDataException($"{_source}: {_expected.Digest} ended after {_read} of {_expected.Size} bytes");
            }

            if (!_expected.Digest.Matches(_hash))
            {
                throw new InvalidDataException($"{_source}: the content does not match its digest {_expected.Digest}");
            }
        }
    }
}

namespace Sluice.Oci.Tests;

public sealed class DigestTests
{
    [Theory]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    public void A_valid_digest_reads_and_prints_unchanged(string text)
    {
        var digest = Digest.Parse(text, out var error);

        Assert.Null(error);
        Assert.Equal(text, digest!.ToString());
        Assert.Equal(digest, Digest.Compute(digest.Algorithm, []));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("e3b0c442", "not a digest")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e", "only sha256 and sha512")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "64 lowercase hex digits")]
    [InlineData("sha256:e3b0", "64 lowercase hex digits")]
    public void An_invalid_digest_is_an_error_value_saying_what_is_expected(string text, string expected)
    {
        Assert.Null(Digest.Parse(text, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hashing_a_stream_gives_the_digest_of_its_bytes_and_its_length()
    {
        var content = new byte[300_000];
        new Random(7).NextBytes(content);

        var (digest, size) = await Digest.ComputeAsync(new MemoryStream(content), TestContext.Current.CancellationToken);

        Assert.Equal(Digest.Sha256(content), digest);
        Assert.Equal(content.Length, size);
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Sluice.Engine.Caching;
using Sluice.Oci;

namespace Sluice.Engine.Tests.Caching;

public sealed class CacheKeyTests
{
    private const string ImageId = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    [Fact]
    public void A_key_is_the_sha256_of_the_canonical_envelope_with_schema_platform_image_inputs_and_spec()
    {
        var input = Input("""{"script": "make", "name": "build", "image": "golang"}""") with
        {
            Inputs = Input("{}").Inputs.Add("src", Digest.Sha256("tree"u8)),
        };

        var canonical = Encoding.UTF8.GetString(CacheKeys.CanonicalForm(input));

        Assert.Equal(
            $"{{\"image\":\"{ImageId}\",\"inputs\":{{\"src\":\"{Digest.Sha256("tree"u8)}\"}},\"platform\":\"linux/amd64\",\"schema\":1," +
            "\"spec\":{\"image\":\"golang\",\"name\":\"build\",\"script\":\"make\"}}",
            canonical);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), CacheKeys.Compute(input).ToString());
    }

    [Fact]
    public void Member_order_and_number_spelling_do_not_change_a_key()
    {
        var one = CacheKeys.Compute(Input("""{"name": "build", "args": ["-j", "4"], "resources": {"limits": {"cpu": 2}}}"""));
        var other = CacheKeys.Compute(Input("""{"resources": {"limits": {"cpu": 2.0}}, "args": ["-j", "4"], "name": "build"}"""));

        Assert.Equal(one, other);
    }

    [Fact]
    public void Timeouts_retries_and_display_names_at_any_depth_do_not_change_a_key()
    {
        var plain = CacheKeys.Compute(Input("""{"steps": [{"name": "s", "script": "make"}]}"""));
        var decorated = CacheKeys.Compute(Input("""{"displayName": "Build it", "retries": 3, "timeout": "1h", "steps": [{"name": "s", "script": "make", "timeout": "5m", "displayName": "Compile"}]}"""));

        Assert.Equal(plain, decorated);
    }

    [Theory]
    [InlineData("""{"steps": [{"name": "s", "script": "make all"}]}""")]
    [InlineData("""{"steps": [{"name": "s", "script": "make", "env": [{"name": "CGO", "value": "0"}]}]}""")]
    [InlineData("""{"steps": [{"name": "t", "script": "make"}]}""")]
    [InlineData("""{"steps": [{"name": "s", "script": "make"}, {"name": "u", "script": "true"}]}""")]
    public void What_a_step_computes_changes_a_key(string changed) =>
        Assert.NotEqual(CacheKeys.Compute(Input("""{"steps": [{"name": "s", "script": "make"}]}""")), CacheKeys.Compute(Input(changed)));

    [Fact]
    public void The_image_id_the_platform_and_the_input_trees_change_a_key()
    {
        var baseline = Input("""{"script": "make"}""");
        var keys = new[]
        {
            CacheKeys.Compute(baseline),
            CacheKeys.Compute(baseline with { ImageId = "sha256:2222222222222222222222222222222222222222222222222222222222222222" }),
            CacheKeys.Compute(baseline with { Platform = "linux/arm64" }),
            CacheKeys.Compute(baseline with { Inputs = baseline.Inputs.Add("src", Digest.Sha256("a"u8)) }),
            CacheKeys.Compute(baseline with { Inputs = baseline.Inputs.Add("src", Digest.Sha256("b"u8)) }),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void User_data_named_like_an_excluded_field_stays_in_the_key()
    {
        var one = CacheKeys.Compute(Input("""{"params": [{"name": "policy", "value": {"timeout": "5m"}}]}"""));
        var other = CacheKeys.Compute(Input("""{"params": [{"name": "policy", "value": {"timeout": "10m"}}]}"""));

        Assert.NotEqual(one, other);
    }

    private static CacheKeyInput Input(string spec) => new()
    {
        Spec = JsonNode.Parse(spec)!,
        Platform = "linux/amd64",
        ImageId = ImageId,
    };
}

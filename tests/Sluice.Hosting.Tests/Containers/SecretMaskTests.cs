using System.Text;
using Sluice.Hosting.Containers;

namespace Sluice.Hosting.Tests.Containers;

public sealed class SecretMaskTests
{
    [Fact]
    public void The_value_and_its_base64_padded_or_not_are_replaced()
    {
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("tok"));
        var mask = new SecretMask(["tok"]);

        Assert.Equal("a *** b *** c ***", mask.Apply($"a tok b {base64} c {base64.TrimEnd('=')}"));
    }

    [Fact]
    public void A_file_value_is_masked_with_and_without_its_line_break_and_empty_values_mask_nothing()
    {
        var mask = new SecretMask(["line\n", string.Empty]);

        Assert.Equal("x=*** y=***", mask.Apply("x=line\n y=line"));
        Assert.Equal("untouched", new SecretMask([string.Empty]).Apply("untouched"));
    }

    [Fact]
    public void A_value_inside_another_leaves_no_part_of_the_longer_one()
    {
        var mask = new SecretMask(["abc", "xxabcxx"]);

        Assert.Equal("*** ***", mask.Apply("xxabcxx abc"));
    }
}

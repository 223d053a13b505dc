using System.Text;
using System.Text.Json.Nodes;
using Sluice.Engine.Caching;

namespace Sluice.Engine.Tests.Caching;

/// <summary>RFC 8785's own examples: section 3.2.2's sample, 3.2.3's sorting and Appendix B's numbers.</summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void The_rfc_sample_object_canonicalizes_as_section_3_2_2_prints_it()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        var canonical = CanonicalJson.Serialize(JsonNode.Parse(input));

        Assert.Equal("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", canonical);
    }

    [Fact]
    public void The_sample_s_utf8_bytes_are_those_section_3_2_4_lists()
    {
        const string input = """{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}""";
        const string hex = """
            7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
            75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
            5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
            65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
            5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
            30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d
            """;

        var bytes = CanonicalJson.SerializeToUtf8Bytes(JsonNode.Parse(input));

        Assert.Equal(hex.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Members_sort_by_utf16_code_units_as_section_3_2_3_shows()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        var canonical = CanonicalJson.Serialize(JsonNode.Parse(input));

        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
            "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            canonical);
    }

    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void Numbers_serialize_as_appendix_b_lists(string ieee, string expected)
    {
        var value = BitConverter.Int64BitsToDouble(Convert.ToInt64(ieee, 16));

        Assert.Equal(expected, CanonicalJson.FormatNumber(value));
    }

    [Theory]
    [InlineData("7fffffffffffffff")]
    [InlineData("7ff0000000000000")]
    [InlineData("fff0000000000000")]
    public void Nan_and_infinities_are_not_json(string ieee) =>
        Assert.Throws<ArgumentException>(() => CanonicalJson.FormatNumber(BitConverter.Int64BitsToDouble(Convert.ToInt64(ieee, 16))));

    [Fact]
    public void Integers_of_every_clr_type_and_parsed_text_write_alike()
    {
        var built = new JsonArray(JsonValue.Create(42), JsonValue.Create(42L), JsonValue.Create(42.0), JsonValue.Create(42m), JsonValue.Create(1e21));
        var parsed = JsonNode.Parse("[42, 4.2e1, 42.000, 420e-1, 1000000000000000000000]");

        Assert.Equal("[42,42,42,42,1e+21]", CanonicalJson.Serialize(built));
        Assert.Equal("[42,42,42,42,1e+21]", CanonicalJson.Serialize(parsed));
    }

    [Fact]
    public void Control_characters_without_a_short_escape_are_lowercase_unicode_escapes_and_the_rest_stays_literal()
    {
        var value = JsonValue.Create("\u0001\b\t\u001f</script>\u00e9\u2028");

        Assert.Equal("\"\\u0001\\b\\t\\u001f</script>\u00e9\u2028\"", CanonicalJson.Serialize(value));
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        var value = new JsonObject { ["broken"] = "a\ud800b" };

        var error = Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(value));
        Assert.Contains("lone surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_objects_sort_at_every_level_and_arrays_keep_their_order()
    {
        var value = JsonNode.Parse("""{"b": [{"z": 1, "a": 2}, 3], "a": {"y": null, "x": false}}""");

        Assert.Equal("{\"a\":{\"x\":false,\"y\":null},\"b\":[{\"a\":2,\"z\":1},3]}", Encoding.UTF8.GetString(CanonicalJson.SerializeToUtf8Bytes(value)));
    }
}

using System.Text;
using System.Text.Json;
using Ctraffic.GoCompat;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.GoCompat;

/// <summary>Expected texts are what Go's encoding/json wrote for the same values.</summary>
public class GoJsonWriterTests
{
    private static string Escaped(string s)
    {
        var sb = new StringBuilder();
        GoJsonWriter.AppendString(sb, s);
        return sb.ToString();
    }

    [Theory]
    [InlineData("plain 127.0.0.1:5003", "\"plain 127.0.0.1:5003\"")]
    [InlineData("a->b", "\"a-\\u003eb\"")]
    [InlineData("<&>", "\"\\u003c\\u0026\\u003e\"")]
    [InlineData("say \"hi\" \\ bye", "\"say \\\"hi\\\" \\\\ bye\"")]
    [InlineData("line\nreturn\rtab\t", "\"line\\nreturn\\rtab\\t\"")]
    [InlineData("\u0000\u0001\u001f", "\"\\u0000\\u0001\\u001f\"")]
    [InlineData("\u2028\u2029", "\"\\u2028\\u2029\"")]
    [InlineData("\u007f é ✓", "\"\u007f é ✓\"")]
    public void StringsAreEscapedAsGoEscapesThem(string value, string expected)
    {
        Escaped(value).Should().Be(expected);
    }

    [Fact]
    public void EveryEscapedStringReadsBackAsItWas()
    {
        // Given every character below 0x80 and the two line separators
        var all = new string([.. Enumerable.Range(0, 0x80).Select(i => (char)i), '\u2028', '\u2029']);

        // When escaped, Then a JSON reader gives the same text back and no HTML-special character is left
        var text = Escaped(all);
        JsonSerializer.Deserialize<string>(text).Should().Be(all);
        text.Should().NotContainAny("<", ">", "&", "\u2028", "\u2029");
    }

    [Theory]
    [InlineData(100.0, "100")]
    [InlineData(2.5, "2.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(123.456, "123.456")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(1.5e-6, "0.0000015")]
    [InlineData(1e-7, "1e-07")]
    [InlineData(-2.5e-8, "-2.5e-08")]
    [InlineData(0.0, "0")]
    public void FloatsAreFormattedAsGoFormatsThem(double value, string expected)
    {
        GoJsonWriter.FormatFloat(value).Should().Be(expected);
    }
}

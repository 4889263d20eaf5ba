using System.Globalization;
using System.Text;

namespace Ctraffic.GoCompat;

/// <summary>
/// The parts of JSON that Go's <c>encoding/json</c> writes its own way: strings escaped HTML-safe
/// (<c>&lt; &gt; &amp;</c>, U+2028 and U+2029 as <c>\u00XX</c>, other control characters as
/// <c>\u00XX</c> except <c>\n \r \t</c>) and float64 numbers in the shortest form, with an exponent
/// below 1e-6 and from 1e21 on. Our JSON is compared with the original's byte for byte.
/// </summary>
internal static class GoJsonWriter
{
    /// <summary>Appends <paramref name="s"/> as a JSON string escaped as Go's encoding/json does.</summary>
    public static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    AppendUnicodeEscape(sb, ch);
                    break;
                default:
                    if (ch < 0x20)
                    {
                        AppendUnicodeEscape(sb, ch);
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>Formats a number as Go's <c>encoding/json</c> does for a float64.</summary>
    public static string FormatFloat(double value)
    {
        var abs = Math.Abs(value);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            // Go: strconv 'e' format with a two-digit minimum exponent, e.g. 1e+21, 1e-07.
            var e = value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
            var idx = e.IndexOf('e', StringComparison.Ordinal);
            if (idx < 0)
            {
                return e;
            }

            var mantissa = e[..idx];
            var exp = int.Parse(e[(idx + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("D2", CultureInfo.InvariantCulture);
        }

        if (abs == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        // Go: strconv 'f' format with the shortest digits, also where .NET would use an exponent (1e-06, 1e+20).
        var (digits, point) = GoFloat.ShortestDigits(abs);
        return (value < 0 ? "-" : "") + GoFloat.Plain(digits, point);
    }

    private static void AppendUnicodeEscape(StringBuilder sb, char ch)
        => sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
}

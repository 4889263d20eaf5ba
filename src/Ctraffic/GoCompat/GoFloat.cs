using System.Globalization;
using System.Text;

namespace Ctraffic.GoCompat;

/// <summary>
/// Formats a double as Go's <c>fmt.Println</c> (verb <c>%v</c>, i.e. <c>strconv</c> 'g' with the
/// shortest round-trip digits): exponent form when the decimal exponent is below -4 or at least 6
/// ("1e+06", "1.5e-05"), plain decimals otherwise ("0", "5.5047825150000005"), and "NaN", "+Inf", "-Inf".
/// </summary>
internal static class GoFloat
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        var sign = double.IsNegative(value) ? "-" : "";
        if (value == 0)
        {
            return sign + "0";
        }

        var (digits, point) = ShortestDigits(Math.Abs(value));
        var exponent = point - 1;
        return sign + (exponent < -4 || exponent >= 6 ? Exponential(digits, exponent) : Plain(digits, point));
    }

    /// <summary>
    /// The shortest digits that read back as <paramref name="value"/> (no leading or trailing zeros)
    /// and the position of the decimal point: value = 0.<c>digits</c> × 10^<c>point</c>.
    /// </summary>
    internal static (string Digits, int Point) ShortestDigits(double value)
    {
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOfAny(['E', 'e']);
        var exponent = e < 0 ? 0 : int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? r : r[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var leading = digits.Length - digits.TrimStart('0').Length;
        return (digits.Trim('0'), point - leading);
    }

    private static string Exponential(string digits, int exponent)
    {
        var sb = new StringBuilder(digits.Length + 6);
        sb.Append(digits[0]);
        if (digits.Length > 1)
        {
            sb.Append('.').Append(digits, 1, digits.Length - 1);
        }

        sb.Append('e').Append(exponent < 0 ? '-' : '+');
        var abs = Math.Abs(exponent);
        if (abs < 10)
        {
            sb.Append('0');
        }

        return sb.Append(abs.ToString(CultureInfo.InvariantCulture)).ToString();
    }

    internal static string Plain(string digits, int point)
    {
        if (point <= 0)
        {
            return "0." + new string('0', -point) + digits;
        }

        if (point >= digits.Length)
        {
            return digits + new string('0', point - digits.Length);
        }

        return digits[..point] + "." + digits[point..];
    }
}

using System.Globalization;

namespace Ctraffic.Charts;

/// <summary>
/// A linear axis: a data range widened to "nice" tick steps (1, 2, 2.5 or 5 times a power of ten,
/// about five of them) and mapped onto a pixel range.
/// </summary>
internal sealed class SvgScale
{
    private const int TargetTicks = 5;
    private readonly double _pixelFrom;
    private readonly double _pixelTo;
    private readonly int _decimals;

    /// <param name="min">The smallest data value (non-finite: treated as 0).</param>
    /// <param name="max">The largest data value (non-finite: treated as 1).</param>
    /// <param name="pixelFrom">The pixel of the low end.</param>
    /// <param name="pixelTo">The pixel of the high end.</param>
    public SvgScale(double min, double max, double pixelFrom, double pixelTo)
    {
        _pixelFrom = pixelFrom;
        _pixelTo = pixelTo;
        var lo = double.IsFinite(min) ? min : 0;
        var hi = double.IsFinite(max) ? max : 1;
        if (hi <= lo)
        {
            hi = lo + Math.Max(1, Math.Abs(lo) * 0.1);
        }

        Step = NiceStep((hi - lo) / TargetTicks);
        // The tolerance keeps rounding errors (0.7 / 0.1 = 6.999...) from adding an empty step.
        Low = Math.Floor((lo / Step) + 1e-9) * Step;
        High = Math.Ceiling((hi / Step) - 1e-9) * Step;
        _decimals = Decimals(Step);
    }

    /// <summary>The low end of the axis (a multiple of <see cref="Step"/>).</summary>
    public double Low { get; }

    /// <summary>The high end of the axis (a multiple of <see cref="Step"/>).</summary>
    public double High { get; }

    /// <summary>The distance between ticks.</summary>
    public double Step { get; }

    /// <summary>The tick values from <see cref="Low"/> to <see cref="High"/>.</summary>
    public IEnumerable<double> Ticks
    {
        get
        {
            var count = (int)Math.Round((High - Low) / Step);
            for (var k = 0; k <= count; k++)
            {
                yield return Low + (k * Step);
            }
        }
    }

    /// <summary>The pixel of <paramref name="value"/>.</summary>
    public double Map(double value) => _pixelFrom + ((value - Low) / (High - Low) * (_pixelTo - _pixelFrom));

    /// <summary>A tick label: at most as many decimals as the step needs (0.5, 1, 1.5); exponent form for very large values.</summary>
    public string Label(double value)
    {
        if (Math.Abs(value) < Step * 1e-9)
        {
            return "0";
        }

        return Math.Max(Math.Abs(Low), Math.Abs(High)) >= 1e7
            ? value.ToString("0.###E+0", CultureInfo.InvariantCulture)
            : value.ToString(_decimals == 0 ? "0" : "0." + new string('#', _decimals), CultureInfo.InvariantCulture);
    }

    private static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / power;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    private static int Decimals(double step)
    {
        var decimals = 0;
        while (decimals < 15 && Math.Abs(step - Math.Round(step, decimals)) > step * 1e-9)
        {
            decimals++;
        }

        return decimals;
    }
}

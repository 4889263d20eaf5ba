using System.Globalization;

namespace Ctraffic.Client;

/// <summary>
/// One option's rule, written once: its default, its range and the words of its error. The core's
/// <see cref="TrafficOptions"/>, the test library, the command (in flag words) and the client
/// container check a value against the same rule, so they accept the same values and give the
/// same reason. The rules of the traffic options are in <see cref="TrafficOptionRules"/>.
/// </summary>
/// <typeparam name="T">The option's type: <see cref="int"/>, <see cref="double"/> or <see cref="TimeSpan"/>.</typeparam>
public sealed class OptionRule<T>
    where T : struct, IComparable<T>, IFormattable
{
    /// <summary>Makes a rule.</summary>
    /// <param name="name">The option's property name, e.g. <c>Connections</c>.</param>
    /// <param name="defaultValue">The option's default value.</param>
    /// <param name="minimum">The smallest value; <see langword="null"/> for no lower bound.</param>
    /// <param name="maximum">The largest value; <see langword="null"/> for no upper bound.</param>
    /// <param name="unit">The unit written after a number in an error, e.g. <c>KB/s</c>; empty for none.</param>
    /// <param name="positive">Whether <paramref name="minimum"/> itself is refused (values must be above it, e.g. a positive rate).</param>
    public OptionRule(string name, T defaultValue, T? minimum, T? maximum, string unit = "", bool positive = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(unit);
        if (minimum is { } min && maximum is { } max && min.CompareTo(max) > 0)
        {
            throw new ArgumentException($"the minimum of {name} is above its maximum", nameof(minimum));
        }

        Name = name;
        DefaultValue = defaultValue;
        Minimum = minimum;
        Maximum = maximum;
        Unit = unit;
        Positive = positive;
    }

    /// <summary>The option's property name, e.g. <c>Connections</c>.</summary>
    public string Name { get; }

    /// <summary>The option's default value.</summary>
    public T DefaultValue { get; }

    /// <summary>The smallest value (refused itself when <see cref="Positive"/>); <see langword="null"/> for no lower bound.</summary>
    public T? Minimum { get; }

    /// <summary>The largest value; <see langword="null"/> for no upper bound.</summary>
    public T? Maximum { get; }

    /// <summary>The unit written after a number in an error, e.g. <c>KB/s</c>; empty for none.</summary>
    public string Unit { get; }

    /// <summary>Whether <see cref="Minimum"/> itself is refused: values must be above it.</summary>
    public bool Positive { get; }

    /// <summary>Whether <paramref name="value"/> keeps the rule (a <see cref="double.NaN"/> never does).</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when the value is in range.</returns>
    public bool Accepts(T value) => !IsBelow(value) && !IsAbove(value);

    /// <summary>
    /// What is wrong with <paramref name="value"/>, in the words of <paramref name="naming"/>
    /// (e.g. <c>must be 1 to 1000000</c>); <see langword="null"/> when it keeps the rule.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="naming">How the caller writes durations; <see langword="null"/> for <see cref="OptionNaming.Properties"/>.</param>
    /// <returns>The reason, or <see langword="null"/>.</returns>
    public string? Problem(T value, OptionNaming? naming = null)
    {
        naming ??= OptionNaming.Properties;
        var below = IsBelow(value);
        if (!below && !IsAbove(value))
        {
            return null;
        }

        if (Minimum is { } min && Maximum is { } max && !Positive)
        {
            return $"must be {Write(min, naming)} to {Write(max, naming)}";
        }

        if (below)
        {
            var floor = Minimum.GetValueOrDefault();
            return Positive && floor.Equals(default(T)) ? "must be positive"
                : Positive ? $"must be above {Write(floor, naming)}"
                : $"must be at least {Write(floor, naming)}";
        }

        return $"must be at most {Write(Maximum.GetValueOrDefault(), naming)}";
    }

    /// <summary>Throws when <paramref name="value"/> breaks the rule, naming the option by <see cref="Name"/>.</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range; the message names the option and says why.</exception>
    public void Validate(T value)
    {
        if (Problem(value) is { } problem)
        {
            throw new OptionError(Name, Name, value, problem).ToException();
        }
    }

    private bool IsBelow(T value) => IsNaN(value) || (Minimum is { } min && (Positive ? value.CompareTo(min) <= 0 : value.CompareTo(min) < 0));

    private bool IsAbove(T value) => Maximum is { } max && value.CompareTo(max) > 0;

    private static bool IsNaN(T value) => value is double d && double.IsNaN(d);

    private string Write(T bound, OptionNaming naming)
    {
        var text = bound is TimeSpan t ? naming.Duration(t) : bound.ToString(null, CultureInfo.InvariantCulture);
        return Unit.Length == 0 ? text : $"{text} {Unit}";
    }
}

using System.Globalization;

namespace Ctraffic.Client;

/// <summary>
/// An option that breaks its rule: which, its value and why, in the words of an
/// <see cref="OptionNaming"/>. The library throws it (<see cref="ToException"/>); the command prints
/// it as <c>invalid value "V" for flag -F: REASON</c>.
/// </summary>
public sealed class OptionError
{
    /// <summary>Makes an error.</summary>
    /// <param name="option">The option's property name.</param>
    /// <param name="name">The caller's name of the option.</param>
    /// <param name="value">The value refused.</param>
    /// <param name="reason">Why, e.g. <c>must be 1 to 1000000</c>.</param>
    public OptionError(string option, string name, object? value, string reason)
    {
        Option = option;
        Name = name;
        Value = value;
        Reason = reason;
    }

    /// <summary>The option's property name, e.g. <c>Connections</c>.</summary>
    public string Option { get; }

    /// <summary>The caller's name of the option, e.g. <c>Connections</c> or <c>-nconn</c>.</summary>
    public string Name { get; }

    /// <summary>The value refused.</summary>
    public object? Value { get; }

    /// <summary>Why, e.g. <c>must be 1 to 1000000</c>.</summary>
    public string Reason { get; }

    /// <summary>The error as a sentence: <c>Connections must be 1 to 1000000, was 0.</c></summary>
    public string Message => Value switch
    {
        null => $"{Name} {Reason}.",
        string text => $"{Name} {Reason}, was \"{text}\".",
        _ => string.Create(CultureInfo.InvariantCulture, $"{Name} {Reason}, was {Value}."),
    };

    /// <summary>The exception the library throws: its parameter name is the option's.</summary>
    /// <returns>An <see cref="ArgumentOutOfRangeException"/>.</returns>
    public ArgumentOutOfRangeException ToException() => new(Option, Message);

    /// <inheritdoc/>
    public override string ToString() => Message;
}

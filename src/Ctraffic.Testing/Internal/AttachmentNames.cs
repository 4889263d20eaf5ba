using System.Globalization;

namespace Ctraffic.Testing.Internal;

/// <summary>
/// The names under which a report is attached to a test: <c>ctraffic.json</c>,
/// <c>ctraffic-timeline.svg</c> and <c>ctraffic.html</c>, or <c>ctraffic-NAME.json</c>, <c>ctraffic-NAME-timeline.svg</c>
/// and <c>ctraffic-NAME.html</c> for traffic with a <see cref="ContinuousTrafficOptions.Name"/>; more reports under the same
/// name in one test get <c>-2</c>, <c>-3</c> ... (<c>ctraffic-2.json</c>, <c>ctraffic-timeline-2.svg</c>, <c>ctraffic-2.html</c>). Names are taken under <see cref="Gate"/>, so
/// reports attached from several threads at once never get the same name.
/// </summary>
internal static class AttachmentNames
{
    /// <summary>The statistics (the ctraffic JSON with added fields).</summary>
    public const string Json = "ctraffic.json";

    /// <summary>The timeline graph.</summary>
    public const string Timeline = "ctraffic-timeline.svg";

    /// <summary>The page a person reads (<see cref="Reports.ReportHtml"/>).</summary>
    public const string Html = "ctraffic.html";

    /// <summary>Held while a pair of names is chosen and attached: choosing and attaching are one step.</summary>
    public static Lock Gate { get; } = new();

    /// <summary>The first set of names for <paramref name="name"/> none of which <paramref name="taken"/> has; call under <see cref="Gate"/>.</summary>
    public static (string Json, string Timeline, string Html) Next(Func<string, bool> taken, string? name = null)
    {
        var stem = name is null ? "ctraffic" : "ctraffic-" + name;
        var suffix = "";
        for (var n = 2; taken(stem + suffix + ".json") || taken(stem + "-timeline" + suffix + ".svg") || taken(stem + suffix + ".html"); n++)
        {
            suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        return (stem + suffix + ".json", stem + "-timeline" + suffix + ".svg", stem + suffix + ".html");
    }

    /// <summary>Throws unless <paramref name="name"/> (if given) can name attachments (see <see cref="IsValid"/>).</summary>
    public static void ThrowIfInvalid(string? name, string paramName)
    {
        if (name is not null && !IsValid(name))
        {
            throw new ArgumentException($"'{name}' cannot name an attachment: use 1 to 64 of A-Z, a-z, 0-9, '.', '-', '_'", paramName);
        }
    }

    /// <summary>Whether <paramref name="name"/> can name traffic in file names: 1 to 64 of A–Z, a–z, 0–9, '.', '-', '_'.</summary>
    public static bool IsValid(string name)
        => name.Length is >= 1 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}

using System.Globalization;

namespace Ctraffic.Testing.Internal;

/// <summary>
/// The names under which a report is attached to a test: <c>ctraffic.json</c> and
/// <c>ctraffic-timeline.svg</c>, then <c>ctraffic-2.json</c> ... for more reports in one test.
/// </summary>
internal static class AttachmentNames
{
    /// <summary>The statistics (the ctraffic JSON with added fields).</summary>
    public const string Json = "ctraffic.json";

    /// <summary>The timeline graph.</summary>
    public const string Timeline = "ctraffic-timeline.svg";

    /// <summary>The first pair of names neither of which <paramref name="taken"/> has.</summary>
    public static (string Json, string Timeline) Next(Func<string, bool> taken)
    {
        var suffix = "";
        for (var n = 2; taken(With(Json, suffix)) || taken(With(Timeline, suffix)); n++)
        {
            suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        return (With(Json, suffix), With(Timeline, suffix));
    }

    private static string With(string name, string suffix)
        => suffix.Length == 0 ? name : string.Concat(Path.GetFileNameWithoutExtension(name), suffix, Path.GetExtension(name));
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ctraffic.Cli.Tests.Kubernetes;

/// <summary>The manifests of build/kubernetes (found by walking up from the test assembly), split into their documents.</summary>
internal static partial class Manifests
{
    public static string Folder
        => Directory.Exists(Repository.Path("build", "kubernetes")) ? Repository.Path("build", "kubernetes")
            : throw new DirectoryNotFoundException("build/kubernetes not found in " + Repository.Root);

    public static string[] Files => [.. Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal)];

    /// <summary>The YAML documents of a file (separated by <c>---</c> lines), without the empty ones.</summary>
    public static IEnumerable<string> Documents(string file)
        => DocumentSeparator().Split(File.ReadAllText(file)).Where(d => d.Split('\n').Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')));

    /// <summary>
    /// Every container's <c>command</c> and <c>args</c>, in order. They are written as one-line JSON
    /// arrays (which YAML reads as flow sequences), so they are read here without a YAML parser; a
    /// <c>command:</c> or <c>args:</c> in any other form is an error, so that none escapes the check.
    /// </summary>
    public static IReadOnlyList<(string Key, string[] Values)> CommandLines(string file)
    {
        var lines = new List<(string, string[])>();
        foreach (var line in File.ReadLines(file))
        {
            var match = CommandLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var values = JsonSerializer.Deserialize<string[]>(match.Groups["value"].Value.Trim())
                ?? throw new FormatException($"{file}: {line.Trim()} is not a JSON array of strings");
            lines.Add((match.Groups["key"].Value, values));
        }

        return lines;
    }

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"^\s*-?\s*(?<key>command|args):(?<value>.*)$")]
    private static partial Regex CommandLine();
}

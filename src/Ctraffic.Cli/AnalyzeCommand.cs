using System.Text;
using System.Text.RegularExpressions;
using Ctraffic.Analysis;
using Ctraffic.Cli.Flags;

namespace Ctraffic.Cli;

/// <summary>
/// <c>ctraffic -stat_file FILE|- -analyze throughput|connections|hosts [-plot SVGFILE]</c>: reads the
/// statistics, prints the analysis on stdout as the original does and optionally writes a graph.
/// Every failure is one log line on stderr and exit code 1.
/// </summary>
internal static partial class AnalyzeCommand
{
    public static Task<int> RunAsync(CliOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
        => RunAsync(options, () => new StreamReader(Console.OpenStandardInput(), Encoding.UTF8), stdout, stderr, cancellationToken);

    /// <param name="options">The flags.</param>
    /// <param name="openStdin">Opens standard input, read when the file is "-".</param>
    /// <param name="stdout">Where the analysis goes.</param>
    /// <param name="stderr">Where an error goes.</param>
    /// <param name="cancellationToken">Stops reading the input.</param>
    internal static async Task<int> RunAsync(CliOptions options, Func<TextReader> openStdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var mode = Mode(options.Analyze);
        var source = options.StatFile == "-" ? "stdin" : options.StatFile;
        string output, svg;
        try
        {
            var json = await ReadAsync(options.StatFile, openStdin, cancellationToken).ConfigureAwait(false);
            AnalysisInput input;
            try
            {
                input = AnalysisInput.Parse(json);
            }
            catch (FormatException ex)
            {
                throw new AnalysisException($"{source}: {ex.Message}", ex);
            }

            (output, svg) = Analyze(input, mode, options.Plot.Length > 0);
        }
        catch (AnalysisException ex)
        {
            return await FailAsync(stderr, ex.Message).ConfigureAwait(false);
        }

        await stdout.WriteAsync(output).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (options.Plot.Length > 0)
        {
            try
            {
                await File.WriteAllTextAsync(options.Plot, svg, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return await FailAsync(stderr, $"write {options.Plot}: {Reason(ex)}").ConfigureAwait(false);
            }
        }

        return CtrafficCommand.ExitOk;
    }

    private static AnalysisMode Mode(string name) => name switch
    {
        "throughput" => AnalysisMode.Throughput,
        "connections" => AnalysisMode.Connections,
        "hosts" => AnalysisMode.Hosts,
        _ => throw new UsageException($"invalid value \"{name}\" for flag -analyze: must be throughput, connections or hosts"),
    };

    /// <summary>The text of the analysis and, when <paramref name="plot"/>, its SVG graph.</summary>
    private static (string Text, string Svg) Analyze(AnalysisInput input, AnalysisMode mode, bool plot)
    {
        switch (mode)
        {
            case AnalysisMode.Connections:
                var rows = TrafficAnalysis.Connections(input);
                return (AnalysisText.Format(rows), plot ? SvgWriter.Write(AnalysisCharts.Connections(rows)) : "");
            case AnalysisMode.Hosts:
                var hosts = TrafficAnalysis.Hosts(input);
                return (AnalysisText.Format(hosts), plot ? SvgWriter.Write(AnalysisCharts.Hosts(hosts)) : "");
            default:
                var points = TrafficAnalysis.Throughput(input);
                return (AnalysisText.Format(points), plot ? SvgWriter.Write(AnalysisCharts.Throughput(points)) : "");
        }
    }

    private static async Task<string> ReadAsync(string path, Func<TextReader> openStdin, CancellationToken cancellationToken)
    {
        if (path == "-")
        {
            using var stdin = openStdin();
            return await stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Directory.Exists(path))
        {
            throw new AnalysisException($"read {path}: is a directory");
        }

        try
        {
            return await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new AnalysisException($"open {path}: {Reason(ex)}", ex);
        }
    }

    /// <summary>The cause in the words of Go's <c>os</c> errors where there is one.</summary>
    private static string Reason(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        _ => ex.Message,
    };

    private static async Task<int> FailAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync(CtrafficCommand.LogLine(OneLine().Replace(message, " "))).ConfigureAwait(false);
        return CtrafficCommand.ExitFailure;
    }

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex OneLine();
}

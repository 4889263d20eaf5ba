using System.Diagnostics;

namespace Ctraffic.Cli.Tests;

/// <summary>Runs a program found on PATH (kubectl, dotnet) to its end, with a deadline, and captures its output.</summary>
internal static class ExternalCommand
{
    /// <summary>The full path of <paramref name="name"/> on PATH, or <see langword="null"/>.</summary>
    public static string? Find(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs <paramref name="program"/>; kills it (and fails) when <paramref name="timeout"/> passes first.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(
        string program,
        IEnumerable<string> args,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        string? stdin = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.StandardInput.WriteAsync(stdin ?? "").ConfigureAwait(false);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not end within {timeout}");
        }
    }
}

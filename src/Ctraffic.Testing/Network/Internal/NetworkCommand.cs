using System.Diagnostics;
using System.Text;

namespace Ctraffic.Testing.Network.Internal;

/// <summary>
/// Runs <c>ip</c> and <c>nft</c> (iproute2 and nftables) as child processes, each bounded in time;
/// a failure is a <see cref="NetworkSetupException"/> naming the command and quoting its error.
/// Both run as root, so they are run by absolute path, found only in the system's own
/// directories (<see cref="SystemDirectories"/>): never in the current directory, the app's
/// folder or <c>PATH</c>, where anybody who can write a file could put an <c>nft</c> of their own.
/// </summary>
internal static class NetworkCommand
{
    /// <summary>Where <c>ip</c> and <c>nft</c> are looked for, in this order.</summary>
    public static readonly IReadOnlyList<string> SystemDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> Found = new(StringComparer.Ordinal);

    /// <summary>How long one command may take before it is killed.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <summary>Runs <c>ip ARGS</c> and returns its output.</summary>
    public static Task<string> IpAsync(CancellationToken cancellationToken, params string[] args)
        => RunAsync("ip", args, null, cancellationToken);

    /// <summary>Runs the nftables <paramref name="script"/> (<c>nft -f -</c>), in the namespace <paramref name="netns"/> or, if <see langword="null"/>, in the root namespace.</summary>
    /// <param name="netns">The namespace, or <see langword="null"/>.</param>
    /// <param name="script">The nft commands, one a line.</param>
    /// <param name="echo">Whether nft echoes the rules it added with their handles (<c>--echo --handle</c>).</param>
    /// <param name="cancellationToken">Stops waiting (the command is killed).</param>
    public static Task<string> NftAsync(string? netns, string script, bool echo, CancellationToken cancellationToken)
        => NftAsync(netns, script, echo ? ["--echo", "--handle"] : [], cancellationToken);

    /// <summary>Runs the nft list commands of <paramref name="script"/> in <paramref name="netns"/>: their output, each rule with its handle.</summary>
    public static Task<string> NftListAsync(string? netns, string script, CancellationToken cancellationToken)
        => NftAsync(netns, script, ["--handle"], cancellationToken);

    private static Task<string> NftAsync(string? netns, string script, string[] flags, CancellationToken cancellationToken)
    {
        // ip netns exec looks its command up in PATH: give it the absolute path.
        string[] nft = [PathOf("nft"), .. flags, "-f", "-"];
        return netns is null
            ? RunAsync(nft[0], nft[1..], script, cancellationToken)
            : RunAsync("ip", ["netns", "exec", netns, .. nft], script, cancellationToken);
    }

    /// <summary>The absolute path of <paramref name="tool"/> in the first of <see cref="SystemDirectories"/> that has it, or <see langword="null"/>.</summary>
    public static string? Find(string tool)
        => Found.GetOrAdd(tool, t => SystemDirectories.Select(d => System.IO.Path.Combine(d, t)).FirstOrDefault(File.Exists));

    /// <summary>The absolute path of <paramref name="tool"/> (<see cref="Find"/>), or of <paramref name="tool"/> itself if it is one.</summary>
    /// <exception cref="NetworkSetupException">It is in none of <see cref="SystemDirectories"/>.</exception>
    public static string PathOf(string tool)
        => System.IO.Path.IsPathRooted(tool)
            ? tool
            : Find(tool) ?? throw new NetworkSetupException($"'{tool}' is in none of {string.Join(", ", SystemDirectories)}");

    /// <summary>Runs a command synchronously and ignores its failure: for clean-up at process exit.</summary>
    public static void RunQuietly(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(StartInfo(PathOf(file), args, redirectInput: false))!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(Limit))
            {
                process.Kill();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or NetworkSetupException)
        {
        }
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>, feeding it <paramref name="input"/>; returns its standard output.</summary>
    /// <exception cref="NetworkSetupException">It could not be started, failed, or took too long.</exception>
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> args, string? input, CancellationToken cancellationToken)
    {
        var line = $"{file} {string.Join(' ', args)}";
        Process process;
        try
        {
            process = Process.Start(StartInfo(PathOf(file), args, input is not null))!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new NetworkSetupException($"{line}: cannot run {file}: {ex.Message}", ex);
        }

        using (process)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(Limit);
            var output = process.StandardOutput.ReadToEndAsync(limit.Token);
            var error = process.StandardError.ReadToEndAsync(limit.Token);
            try
            {
                if (input is not null)
                {
                    await process.StandardInput.WriteAsync(input.AsMemory(), limit.Token).ConfigureAwait(false);
                    process.StandardInput.Close();
                }

                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                var stdout = await output.ConfigureAwait(false);
                var stderr = await error.ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    var what = input is null ? line : $"{line} <<< {OneLine(input)}";
                    throw new NetworkSetupException($"{what}: exit code {process.ExitCode}: {OneLine(stderr)}");
                }

                return stdout;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill();
                throw new NetworkSetupException($"{line}: no answer within {Limit.TotalSeconds:0} s");
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }
        }
    }

    private static ProcessStartInfo StartInfo(string file, IReadOnlyList<string> args, bool redirectInput)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }

    private static string OneLine(string text) => string.Join("; ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

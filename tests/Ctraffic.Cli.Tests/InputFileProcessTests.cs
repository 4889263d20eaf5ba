using System.Text;
using FluentAssertions;

namespace Ctraffic.Cli.Tests;

/// <summary>Large or odd input files give a clear error within bounded memory, as real processes.</summary>
public sealed class InputFileProcessTests : IDisposable
{
    private const long OneGigabyte = 1L << 30;
    private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A 1 GB file of zeros that takes no disk space.</summary>
    private string SparseFile(string name)
    {
        var path = Path.Combine(_dir, name);
        using var f = File.Create(path);
        f.SetLength(OneGigabyte);
        return path;
    }

    /// <summary>The peak resident memory (VmHWM) of a running process in bytes, or 0 once it has gone.</summary>
    private static long PeakMemory(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Runs to the end (bounded), sampling its peak memory; returns the exit code and the highest peak seen.</summary>
    private static async Task<(int Code, long Peak)> RunSampledAsync(CtrafficProcess p)
    {
        var exited = p.WaitForExitAsync(TimeSpan.FromSeconds(60));
        long peak = 0;
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, PeakMemory(p.Id));
            await Task.WhenAny(exited, Task.Delay(5, TestContext.Current.CancellationToken));
        }

        return (await exited, peak);
    }

    [Fact]
    public async Task AOneGigabyteSourceFileIsRejectedAtItsFirstLongLine()
    {
        var file = SparseFile("src.txt");

        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(30), "-srcfile", file, "-address", "127.0.0.1:1", "-timeout", "1s");

        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith($"ctraffic: invalid value \"{file}\" for flag -srcfile: line 1 is longer than 256 characters");
    }

    [Fact]
    public async Task ASourceFileOfMoreThanAMillionLinesIsRejected()
    {
        var file = Path.Combine(_dir, "many.txt");
        await File.WriteAllTextAsync(file, new StringBuilder().Insert(0, "127.0.0.1\n", 1_000_001).ToString(), TestContext.Current.CancellationToken);

        var (code, _, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(30), "-srcfile", file, "-address", "127.0.0.1:1", "-timeout", "1s");

        code.Should().Be(2);
        stderr.Should().Contain("for flag -srcfile: more than 1000000 lines");
    }

    [Fact]
    public async Task AOneGigabyteStatisticsFileIsRejectedWithoutReadingIt()
    {
        var file = SparseFile("stats.json");
        await using var p = CtrafficProcess.Start("-stat_file", file);

        var (code, peak) = await RunSampledAsync(p);

        code.Should().Be(1);
        p.Stderr.Should().MatchRegex(@"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d read .*stats\.json: larger than 256 MB, the limit\s*$");
        peak.Should().BeLessThan(300L << 20);
    }

    [Fact]
    public async Task OneGigabyteOnStdinIsReadOnlyUpToTheLimit()
    {
        // Given 1 GB of zeros on a pipe (its size is not known up front)
        await using var p = CtrafficProcess.StartInShell("exec \"$CTRAFFIC\" \"$@\" < <(head -c 1073741824 /dev/zero)", "-stat_file", "-");

        // When the command reads it
        var (code, peak) = await RunSampledAsync(p);

        // Then it stops at the limit, with memory bounded by it (the whole gigabyte took 2-4 GB)
        code.Should().Be(1);
        p.Stderr.Should().Contain("read stdin: larger than 256 MB, the limit");
        peak.Should().BeLessThan(1L << 30);
    }
}

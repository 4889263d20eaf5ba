using Ctraffic.Statistics;
using Ctraffic.Testing.Processes.Internal;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Processes;

/// <summary>The process seam itself, with <c>ctraffic -server</c> as the process (built beside this project) and the shell for failures.</summary>
public class ProcessServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AKilledCtrafficProcessLosesEveryConnectionAndServesAgainWhenStarted()
    {
        // Given: traffic to ctraffic -server started as a process
        await using var server = await StartCtrafficAsync("proc-1");
        var pid = server.ProcessId!.Value;
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = server; o.Connections = 5; }, Ct);

        // When: it is killed (kill -9) and started again
        await server.KillAsync(Ct);
        ProcessTree.IsAlive(pid).Should().BeFalse("the kill ends the process group at once");
        server.IsRunning.Should().BeFalse();
        await server.StartAsync(Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: the kill marked itself, every connection was lost on it, and all came back
        report.Marks.Select(m => m.Name).Should().Equal("kill proc-1");
        var lost = report.Window("kill proc-1").LostConnections;
        lost.Count(c => c.Host == "proc-1").Should().Be(5);
        lost.Where(c => c.Host != "proc-1").All(c => c.Host.Length == 0 && c.Received == 0).Should()
            .BeTrue("the others never echoed: connects refused while the process started again, or one accepted just before the kill");
        report.Should().HaveRecoveredAfter("kill proc-1", within: TimeSpan.FromSeconds(2));
        server.ProcessId.Should().NotBe(pid);
    }

    [Fact]
    public async Task AStopSendsSigtermAndTheProcessClosesEveryConnection()
    {
        await using var server = await StartCtrafficAsync("proc-2");
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = server; o.Connections = 4; }, Ct);

        await server.StopAsync(Ct);
        var report = await traffic.StopAsync(Ct);

        report.Window("stop proc-2").Should().HaveLostConnections(4);
        report.Window("stop proc-2").LostConnections.Should().OnlyContain(c => c.EndKind == ConnectionEndKind.PeerClosed, "SIGTERM makes ctraffic -server close them");
        server.IsRunning.Should().BeFalse();
        server.OutputTail.Should().NotBeEmpty("ctraffic -server logs its start to stderr, which is captured");
    }

    [Fact]
    public async Task ASignalMarksItselfBeforeItIsSent()
    {
        // Given: traffic to a ctraffic process
        await using var server = await StartCtrafficAsync("proc-3");
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = server; o.Connections = 3; o.ReadTimeout = TimeSpan.FromSeconds(5); }, Ct);

        // When: it is frozen with SIGSTOP and thawed with SIGCONT, twice
        var names = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            names.Add(server.Signal(UnixSignal.SIGSTOP));
            (await Eventually.TrueAsync(() => File.ReadAllText($"/proc/{server.ProcessId}/stat").Split(") ")[1].StartsWith('T'), TimeSpan.FromSeconds(5))).Should().BeTrue("SIGSTOP stops it");
            names.Add(server.Signal(UnixSignal.SIGCONT));
        }

        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        // Then: each signal is a mark, its name numbered as the report numbers repeated marks; nothing was lost, only delayed
        names.Should().Equal("SIGSTOP proc-3", "SIGCONT proc-3", "SIGSTOP proc-3#2", "SIGCONT proc-3#2");
        report.Marks.Select(m => m.Name).Should().Equal("SIGSTOP proc-3", "SIGCONT proc-3", "SIGSTOP proc-3", "SIGCONT proc-3");
        report.Between(names[2], names[3]).Period.Start.Should().Be(report.Marks[2].Time, "the returned name finds the second SIGSTOP");
        report.Should().HaveLostNoConnections();
    }

    [Fact]
    public async Task APauseFreezesTheProcessGroupForItsDuration()
    {
        await using var server = await StartCtrafficAsync("proc-4");
        await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = server; o.Connections = 3; o.ReadTimeout = TimeSpan.FromSeconds(5); }, Ct);

        await server.PauseAsync(TimeSpan.FromMilliseconds(600), Ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), Ct);
        var report = await traffic.StopAsync(Ct);

        report.Should().HaveLostNoConnections();
        report.Window("pause proc-4").LongestOutage.Should().BeGreaterThan(TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public async Task DisposingKillsTheProcessAndDeletesItsDirectory()
    {
        var server = await StartCtrafficAsync("proc-5");
        var pid = server.ProcessId!.Value;
        var directory = server.Context.Directory;
        File.ReadAllText($"/proc/{pid}/environ").Should().Contain($"{ProcessJanitor.Variable}={directory}");

        await server.DisposeAsync();

        ProcessTree.IsAlive(pid).Should().BeFalse();
        Directory.Exists(directory).Should().BeFalse();
    }

    [Fact]
    public async Task AProcessThatExitsBeforeItServesFailsWithItsLastLines()
    {
        var start = () => ProcessServer.StartAsync(o =>
        {
            o.Executable = "sh";
            o.Name = "broken";
            o.Arguments.Add("-c");
            o.Arguments.Add("echo cannot read {config} >&2; exit 3");
            o.Configuration = _ => "bad";
        }, Ct);

        var error = (await start.Should().ThrowAsync<InvalidOperationException>()).Which;
        error.Message.Should().Contain("broken exited with 3 before it served").And.Contain("cannot read /").And.Contain("server.conf");
    }

    [Fact]
    public async Task AProcessThatNeverServesTimesOutAndIsKilled()
    {
        var start = () => ProcessServer.StartAsync(o =>
        {
            o.Executable = "sleep";
            o.Arguments.Add("30");
            o.ReadyTimeout = TimeSpan.FromMilliseconds(300);
        }, Ct);

        var error = (await start.Should().ThrowAsync<TimeoutException>()).Which;
        error.Message.Should().Contain("sleep did not serve on 127.0.0.1:").And.Contain("within 0.3 s");
        Directory.EnumerateDirectories(ProcessJanitor.Root, $"{Environment.ProcessId}-*-sleep").Should().BeEmpty("the failed start killed the process and deleted its directory");
    }

    [Fact]
    public async Task BadOptionsAreRejectedNamingTheOption()
    {
        (await ((Func<Task>)(() => ProcessServer.StartAsync(_ => { }, Ct))).Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("Executable");
        (await ((Func<Task>)(() => ProcessServer.StartAsync(o => { o.Executable = "sh"; o.Address = "nowhere"; }, Ct))).Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("Address");
        (await ((Func<Task>)(() => ProcessServer.StartAsync(o => { o.Executable = "sh"; o.ReloadMode = ProcessReloadMode.Command; }, Ct))).Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("ReloadArguments");
        (await ((Func<Task>)(() => ProcessServer.StartAsync(o => { o.Executable = "sh"; o.ReadyTimeout = TimeSpan.FromHours(1); }, Ct))).Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("ReadyTimeout");
        (await ((Func<Task>)(() => ProcessServer.StartAsync(o => o.Executable = "no-such-server-anywhere", Ct))).Should().ThrowAsync<FileNotFoundException>()).Which.Message.Should().Contain("no-such-server-anywhere is not found");
        (await ((Func<Task>)(() => ProcessServer.StartNginxAsync([], null, Ct))).Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("at least one backend");
        (await ((Func<Task>)(() => ProcessServer.StartHaproxyAsync([CtrafficServer.External("127.0.0.1:1")], o => o.HardStopAfter = TimeSpan.Zero, Ct))).Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("HardStopAfter");
    }

    [Fact]
    public async Task ACtrafficProcessCannotReload()
    {
        await using var server = await StartCtrafficAsync("proc-6");

        var reload = () => server.ReloadAsync(cancellationToken: Ct);

        (await reload.Should().ThrowAsync<NotSupportedException>()).Which.Message.Should().Contain("proc-6 cannot reload");
    }

    [Fact]
    public async Task TheSweepKillsTheServersOfADeadTestProcessOnly()
    {
        // Given: a server directory of a test process that is gone, listing a live process that
        // carries that directory, and one of a live owner (this process)
        var ownDir = ProcessJanitor.CreateDirectory("own"); // (the first in this process also sweeps)
        using var own = StartSleeper(ownDir);
        using var dead = System.Diagnostics.Process.Start("true")!;
        await dead.WaitForExitAsync(Ct);
        var orphanDir = Directory.CreateDirectory(Path.Combine(ProcessJanitor.Root, $"{dead.Id}-1-orphan")).FullName;
        using var orphan = StartSleeper(orphanDir);
        try
        {
            (await Eventually.TrueAsync(() => ProcessTree.IsGroupLeader(orphan.Id) && ProcessTree.IsGroupLeader(own.Id), TimeSpan.FromSeconds(5)))
                .Should().BeTrue("setsid has made each the leader of its group");

            // When: the sweep runs
            ProcessJanitor.Sweep();

            // Then: the dead owner's process is killed and its directory gone; ours is untouched
            (await Eventually.TrueAsync(() => orphan.HasExited, TimeSpan.FromSeconds(5))).Should().BeTrue();
            Directory.Exists(orphanDir).Should().BeFalse();
            own.HasExited.Should().BeFalse();
            Directory.Exists(ownDir).Should().BeTrue();
        }
        finally
        {
            own.Kill();
            ProcessJanitor.Delete(ownDir);
            ProcessJanitor.Delete(orphanDir);
        }
    }

    private static System.Diagnostics.Process StartSleeper(string dir)
    {
        var info = new System.Diagnostics.ProcessStartInfo("setsid", ["sleep", "60"]);
        info.Environment[ProcessJanitor.Variable] = dir;
        var process = System.Diagnostics.Process.Start(info)!;
        File.AppendAllText(Path.Combine(dir, "groups"), $"{process.Id}\n");
        return process;
    }

    internal static Task<ProcessServer> StartCtrafficAsync(string name)
    {
        var path = CtrafficExecutable.Path ?? "";
        if (path.Length == 0)
        {
            Assert.Skip("ctraffic.dll is not built beside this project (src/Ctraffic.Cli)");
        }

        return ProcessServer.StartCtrafficAsync(o => { o.Executable = path; o.Name = name; }, Ct);
    }
}

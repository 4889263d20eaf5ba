using System.Diagnostics;
using Ctraffic.Testing.Containers;
using DotNet.Testcontainers.Builders;
using FluentAssertions;

namespace Ctraffic.Testing.Tests;

/// <summary>An engine older than the Docker client (20.10, API 1.41) is named in the error, with the fix.</summary>
public class DockerApiVersionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DockerUnavailableException Unavailable = new("Docker is either not running or misconfigured.");

    private static async Task<string> EngineApiVersionAsync()
    {
        var version = await DockerEngineApi.VersionAsync(Ct);
        if (version is null)
        {
            Assert.Skip("needs a Docker engine on its Unix socket");
        }

        return version;
    }

    [Fact]
    public async Task TheEnginesApiVersionIsTheOneDockerReports()
    {
        var version = await EngineApiVersionAsync();
        using var docker = Process.Start(new ProcessStartInfo("docker", ["version", "--format", "{{.Server.APIVersion}}"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var reported = (await docker.StandardOutput.ReadToEndAsync(Ct)).Trim();
        await docker.WaitForExitAsync(Ct);

        version.Should().Be(reported);
    }

    [Fact]
    public async Task DockerUnavailableWithARunningEngineAndNoApiVersionSaysToSetIt()
    {
        // Given a running engine, and Testcontainers saying Docker is unavailable with DOCKER_API_VERSION unset
        var version = await EngineApiVersionAsync();

        // When the start failure is made
        var error = await CtrafficContainer.StartFailureAsync("ctraffic:local", Unavailable, apiVersionVariable: null, Ct);

        // Then it names the engine's API version and the variable that fixes it
        error.Message.Should().Contain($"API version {version}").And.Contain($"DOCKER_API_VERSION={version}").And.Contain(Unavailable.Message);
        error.InnerException.Should().BeSameAs(Unavailable);
    }

    [Fact]
    public async Task WithTheApiVersionSetOrAnotherCauseNothingIsAdded()
    {
        await EngineApiVersionAsync();

        var set = await CtrafficContainer.StartFailureAsync("ctraffic:local", Unavailable, apiVersionVariable: "1.41", Ct);
        var other = await CtrafficContainer.StartFailureAsync("ctraffic:local", new InvalidOperationException("no such image"), apiVersionVariable: null, Ct);

        set.Message.Should().NotContain("DOCKER_API_VERSION");
        other.Message.Should().NotContain("DOCKER_API_VERSION");
    }
}

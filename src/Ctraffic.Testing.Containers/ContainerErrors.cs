using DotNet.Testcontainers.Builders;

namespace Ctraffic.Testing.Containers;

/// <summary>The text of a Docker error with its causes, and what to do where the engine is older than the client.</summary>
internal static class ContainerErrors
{
    /// <summary>The error's message and those of its causes, with <see cref="ApiVersionHintAsync"/>.</summary>
    public static async Task<string> ExplainAsync(Exception error, CancellationToken cancellationToken)
    {
        var text = error.Message;
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += ": " + inner.Message;
        }

        return text + await ApiVersionHintAsync(error, Environment.GetEnvironmentVariable(DockerEngineApi.VersionVariable), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Testcontainers reports an engine whose API is older than its client's (Docker 20.10, API
    /// 1.41) as "Docker is unavailable": when an engine does answer on the socket and
    /// <c>DOCKER_API_VERSION</c> is not set, this says so and how to fix it; otherwise "".
    /// </summary>
    public static async Task<string> ApiVersionHintAsync(Exception error, string? apiVersionVariable, CancellationToken cancellationToken)
        => error is DockerUnavailableException && string.IsNullOrEmpty(apiVersionVariable)
           && await DockerEngineApi.VersionAsync(cancellationToken).ConfigureAwait(false) is { } version
            ? $"; a Docker engine is running, with API version {version}, and {DockerEngineApi.VersionVariable} is not set: " +
              $"an engine older than the client (Docker 20.10 is API 1.41) needs {DockerEngineApi.VersionVariable}={version}"
            : "";
}

namespace Ctraffic.Testing.Containers;

/// <summary>The text of a Docker error with its causes, and what to do where the engine is older than the client.</summary>
internal static class ContainerErrors
{
    public static async Task<string> ExplainAsync(Exception error, CancellationToken cancellationToken)
    {
        var text = error.Message;
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += ": " + inner.Message;
        }

        if (error is DotNet.Testcontainers.Builders.DockerUnavailableException
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(DockerEngineApi.VersionVariable))
            && await DockerEngineApi.VersionAsync(cancellationToken).ConfigureAwait(false) is { } version)
        {
            text += $"; a Docker engine is running, with API version {version}, and {DockerEngineApi.VersionVariable} is not set: " +
                    $"an engine older than the client (Docker 20.10 is API 1.41) needs {DockerEngineApi.VersionVariable}={version}";
        }

        return text;
    }
}

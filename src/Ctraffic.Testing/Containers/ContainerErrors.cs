namespace Ctraffic.Testing.Containers;

/// <summary>Says what a Docker error means for the user, where the raw text does not.</summary>
internal static class ContainerErrors
{
    public static string Explain(Exception error)
    {
        var text = error.Message;
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += ": " + inner.Message;
        }

        if (text.Contains("client version", StringComparison.OrdinalIgnoreCase) && text.Contains("too new", StringComparison.OrdinalIgnoreCase)
            || error.GetType().Name == "DockerUnavailableException" && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_API_VERSION")))
        {
            return $"{text} (a Docker engine older than the client's API, such as 20.10 with API 1.41, needs DOCKER_API_VERSION=1.41 in the environment)";
        }

        return text;
    }
}

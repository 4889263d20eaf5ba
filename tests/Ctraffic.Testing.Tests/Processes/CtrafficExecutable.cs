namespace Ctraffic.Testing.Tests.Processes;

/// <summary>The <c>ctraffic.dll</c> built beside this test project (the project reference builds it), for <c>ctraffic -server</c> as a process.</summary>
internal static class CtrafficExecutable
{
    /// <summary>The path, or <see langword="null"/> if it is not built.</summary>
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        // .../tests/Ctraffic.Testing.Tests/bin/Release/net10.0/ -> .../src/Ctraffic.Cli/bin/Release/net10.0/ctraffic.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var framework = output.Name;
        var configuration = output.Parent?.Name;
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "src", "Ctraffic.Cli", "bin", configuration ?? "Release", framework, "ctraffic.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

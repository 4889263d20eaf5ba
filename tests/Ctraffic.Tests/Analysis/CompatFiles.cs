namespace Ctraffic.Tests.Analysis;

/// <summary>The files written by the original ctraffic (copied next to the test assembly from Compat/).</summary>
internal static class CompatFiles
{
    public const string Killed = "server-killed-at-5s.stats-all";
    public const string Undisturbed = "undisturbed-100conns-10s.stats-all";
    public const string Summary = "summary";

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Compat");

    public static string Json(string name) => File.ReadAllText(Path.Combine(Directory, name + ".json"));

    public static string Expected(string name, string mode) => File.ReadAllText(Path.Combine(Directory, $"{name}.analyze-{mode}.txt"));
}

using System.Diagnostics.CodeAnalysis;

namespace Ctraffic.Testing.Internal;

/// <summary>
/// Finds the test framework a traffic is started in. The glue assemblies are looked up by name,
/// as FluentAssertions finds its frameworks: a test project that references
/// Ctraffic.Testing.Xunit has it beside it, and nothing in the core refers to a framework.
/// </summary>
internal static class TestFrameworks
{
    private static readonly string[] GlueTypes =
    [
        "Ctraffic.Testing.Internal.XunitGlue, Ctraffic.Testing.Xunit",
        "Ctraffic.Testing.Internal.NUnitGlue, Ctraffic.Testing.NUnit",
    ];

    private static readonly Lazy<TestFrameworkGlue[]> Glues = new(Load);

    /// <summary>The current test of the first framework that has one, or <see langword="null"/>.</summary>
    public static CurrentTest? Current()
    {
        foreach (var glue in Glues.Value)
        {
            if (glue.Current() is { } test)
            {
                return test;
            }
        }

        return null;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2057", Justification = "Test assemblies are not trimmed; a glue assembly that is absent means its framework is not in use.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "As above: the glue types have public parameterless constructors and are not trimmed.")]
    private static TestFrameworkGlue[] Load()
    {
        var glues = new List<TestFrameworkGlue>();
        foreach (var name in GlueTypes)
        {
            try
            {
                if (Type.GetType(name, throwOnError: false) is { } type && Activator.CreateInstance(type) is TestFrameworkGlue glue)
                {
                    glues.Add(glue);
                }
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or TypeLoadException or MissingMethodException or System.Reflection.TargetInvocationException)
            {
                // The glue or its framework is not there: this framework is not in use.
            }
        }

        return [.. glues];
    }
}

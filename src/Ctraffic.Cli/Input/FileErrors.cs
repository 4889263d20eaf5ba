namespace Ctraffic.Cli.Input;

/// <summary>The cause of a file error in the words of Go's <c>os</c> errors, as the original prints them.</summary>
internal static class FileErrors
{
    public static string Reason(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        _ => ex.Message,
    };

    /// <summary>Whether <paramref name="ex"/> is an error of opening, reading or writing a file (not a bug).</summary>
    public static bool IsFileError(Exception ex)
        => ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException;
}

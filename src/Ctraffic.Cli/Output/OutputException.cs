namespace Ctraffic.Cli.Output;

/// <summary>Standard output could not be written: what should have been delivered is lost, so the command fails.</summary>
internal sealed class OutputException(string message, Exception inner) : Exception(message, inner);

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Ctraffic.Cli.Flags;

/// <summary>A bad command line: the message is one line for stderr; the exit code is 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Command-line flags with the syntax of Go's <c>flag</c> package: <c>-name value</c>,
/// <c>-name=value</c>, <c>--name value</c>; a boolean as <c>-name</c> or <c>-name=false</c>;
/// parsing stops at <c>--</c> or the first argument that is not a flag.
/// </summary>
internal sealed class FlagSet
{
    private readonly Dictionary<string, Flag> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Rest { get; private set; } = [];

    public bool HelpRequested { get; private set; }

    public void Bool(string name, bool def, string usage, Action<bool> set) => Add(new Flag(name, usage, def ? "true" : "false", "", true, v =>
    {
        if (!TryParseBool(v, out var b))
        {
            throw new FormatException("parse error");
        }

        set(b);
    }));

    public void Int(string name, int def, string usage, Action<int> set) => Add(new Flag(name, usage, def.ToString(CultureInfo.InvariantCulture), "int", false, v =>
    {
        if (!int.TryParse(v.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
        {
            throw new FormatException(long.TryParse(v, out _) ? "value out of range" : "parse error");
        }

        set(i);
    }));

    public void Float(string name, double def, string usage, Action<double> set) => Add(new Flag(name, usage, def.ToString(CultureInfo.InvariantCulture), "float", false, v =>
    {
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
        {
            throw new FormatException("parse error");
        }

        set(d);
    }));

    public void String(string name, string def, string usage, Action<string> set)
        => Add(new Flag(name, usage, def, "string", false, set));

    public void Duration(string name, TimeSpan def, string usage, Action<TimeSpan> set) => Add(new Flag(name, usage, GoDuration.Format(def), "duration", false, v =>
    {
        if (!GoDuration.TryParse(v, out var d, out var error))
        {
            throw new FormatException(error);
        }

        set(d);
    }));

    public bool IsSet(string name) => _set.Contains(name);

    /// <summary>Parses <paramref name="args"/>, calling each flag's setter.</summary>
    /// <exception cref="UsageException">An unknown flag, a missing or bad value.</exception>
    public void Parse(IReadOnlyList<string> args)
    {
        var i = 0;
        while (i < args.Count)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-')
            {
                break;
            }

            if (arg == "--")
            {
                i++;
                break;
            }

            var name = arg[(arg[1] == '-' ? 2 : 1)..];
            if (name.Length == 0 || name[0] == '-' || name[0] == '=')
            {
                throw new UsageException($"bad flag syntax: {arg}");
            }

            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            i++;
            if (name is "h" or "help")
            {
                HelpRequested = true;
                continue;
            }

            if (!_flags.TryGetValue(name, out var flag))
            {
                throw new UsageException($"flag provided but not defined: -{name}");
            }

            if (value is null)
            {
                if (flag.IsBool)
                {
                    value = "true";
                }
                else if (i < args.Count)
                {
                    value = args[i++];
                }
                else
                {
                    throw new UsageException($"flag needs an argument: -{name}");
                }
            }

            try
            {
                flag.Set(value);
            }
            catch (FormatException ex)
            {
                throw new UsageException($"invalid value \"{value}\" for flag -{name}: {ex.Message}");
            }

            _set.Add(name);
        }

        Rest = [.. args.Skip(i)];
    }

    /// <summary>The usage text in the layout of Go's <c>flag.PrintDefaults</c>.</summary>
    public string Usage(string program)
    {
        var sb = new StringBuilder();
        sb.Append("Usage of ").Append(program).AppendLine(":");
        foreach (var flag in _flags.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            sb.Append("  -").Append(flag.Name);
            if (flag.TypeName.Length > 0)
            {
                sb.Append(' ').Append(flag.TypeName);
            }

            sb.AppendLine().Append("    \t").Append(flag.Usage);
            if (!(flag.IsBool && flag.Default == "false") && !(flag.TypeName == "string" && flag.Default.Length == 0))
            {
                sb.Append(flag.TypeName == "string" ? $" (default \"{flag.Default}\")" : $" (default {flag.Default})");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    private static bool TryParseBool(string v, out bool b)
    {
        switch (v)
        {
            case "1" or "t" or "T" or "true" or "TRUE" or "True":
                b = true;
                return true;
            case "0" or "f" or "F" or "false" or "FALSE" or "False":
                b = false;
                return true;
            default:
                b = false;
                return false;
        }
    }

    private void Add(Flag flag) => _flags.Add(flag.Name, flag);

    private sealed record Flag(string Name, string Usage, string Default, string TypeName, bool IsBool, Action<string> Set);
}

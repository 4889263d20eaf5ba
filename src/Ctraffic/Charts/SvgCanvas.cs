using System.Globalization;
using System.Text;
using System.Xml;

namespace Ctraffic.Charts;

/// <summary>
/// Writes SVG elements with <see cref="XmlWriter"/>: text and attributes are XML-escaped, characters
/// XML cannot hold are replaced by U+FFFD, and numbers are invariant with at most two decimals.
/// </summary>
internal sealed class SvgCanvas : IDisposable
{
    private const string Namespace = "http://www.w3.org/2000/svg";
    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);
    private readonly XmlWriter _xml;

    public SvgCanvas(double width, double height, string title)
    {
        _xml = XmlWriter.Create(_text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true, NewLineChars = "\n" });
        _xml.WriteStartElement("svg", Namespace);
        Attribute("width", width);
        Attribute("height", height);
        _xml.WriteAttributeString("viewBox", $"0 0 {Number(width)} {Number(height)}");
        _xml.WriteAttributeString("font-family", "sans-serif");
        _xml.WriteAttributeString("font-size", "12");
        _xml.WriteElementString("title", Namespace, Clean(title));
        Rect(0, 0, width, height, "#ffffff");
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? dash = null, IReadOnlyList<(string Name, string Value)>? data = null, string? tooltip = null)
    {
        _xml.WriteStartElement("line", Namespace);
        Attribute("x1", x1);
        Attribute("y1", y1);
        Attribute("x2", x2);
        Attribute("y2", y2);
        _xml.WriteAttributeString("stroke", stroke);
        Attribute("stroke-width", strokeWidth);
        Dash(dash);
        Data(data);
        Tooltip(tooltip);
        _xml.WriteEndElement();
    }

    public void Rect(double x, double y, double width, double height, string fill, IReadOnlyList<(string Name, string Value)>? data = null, string? tooltip = null)
    {
        _xml.WriteStartElement("rect", Namespace);
        Attribute("x", x);
        Attribute("y", y);
        Attribute("width", width);
        Attribute("height", height);
        _xml.WriteAttributeString("fill", fill);
        Data(data);
        Tooltip(tooltip);
        _xml.WriteEndElement();
    }

    public void Circle(double cx, double cy, double r, string fill)
    {
        _xml.WriteStartElement("circle", Namespace);
        Attribute("cx", cx);
        Attribute("cy", cy);
        Attribute("r", r);
        _xml.WriteAttributeString("fill", fill);
        _xml.WriteEndElement();
    }

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, string? dash, IReadOnlyList<(string Name, string Value)> data, string tooltip)
    {
        _xml.WriteStartElement("polyline", Namespace);
        _xml.WriteAttributeString("points", string.Join(" ", points.Select(p => Number(p.X) + "," + Number(p.Y))));
        _xml.WriteAttributeString("fill", "none");
        _xml.WriteAttributeString("stroke", stroke);
        _xml.WriteAttributeString("stroke-width", "2");
        _xml.WriteAttributeString("stroke-linejoin", "round");
        Dash(dash);
        Data(data);
        Tooltip(tooltip);
        _xml.WriteEndElement();
    }

    /// <summary>
    /// A text at (<paramref name="x"/>, <paramref name="y"/>) aligned by <paramref name="anchor"/>
    /// (start, middle or end), rotated by <paramref name="rotate"/> degrees around that point.
    /// </summary>
    public void Text(double x, double y, string text, string anchor = "start", double size = 12, bool bold = false, double rotate = 0, string? cssClass = null)
    {
        _xml.WriteStartElement("text", Namespace);
        Attribute("x", x);
        Attribute("y", y);
        _xml.WriteAttributeString("text-anchor", anchor);
        if (size != 12)
        {
            Attribute("font-size", size);
        }

        if (bold)
        {
            _xml.WriteAttributeString("font-weight", "bold");
        }

        if (rotate != 0)
        {
            _xml.WriteAttributeString("transform", $"rotate({Number(rotate)} {Number(x)} {Number(y)})");
        }

        if (cssClass is not null)
        {
            _xml.WriteAttributeString("class", cssClass);
        }

        _xml.WriteString(Clean(text));
        _xml.WriteEndElement();
    }

    public void BeginGroup(string cssClass)
    {
        _xml.WriteStartElement("g", Namespace);
        _xml.WriteAttributeString("class", cssClass);
    }

    public void EndGroup() => _xml.WriteEndElement();

    /// <summary>Closes the document and returns it, ending with a line break.</summary>
    public string Finish()
    {
        _xml.WriteEndElement();
        _xml.Flush();
        return _text.ToString() + "\n";
    }

    public void Dispose()
    {
        _xml.Dispose();
        _text.Dispose();
    }

    /// <summary>A number for an SVG attribute: invariant, at most two decimals, no "-0".</summary>
    public static string Number(double value)
    {
        var s = Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
        return s == "-0" ? "0" : s;
    }

    /// <summary>The text with every character XML cannot hold replaced by U+FFFD.</summary>
    public static string Clean(string text)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (XmlConvert.IsXmlChar(c))
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(text, 0, i, text.Length);
            sb.Append('\uFFFD');
        }

        return sb?.ToString() ?? text;
    }

    private void Attribute(string name, double value) => _xml.WriteAttributeString(name, Number(value));

    private void Data(IReadOnlyList<(string Name, string Value)>? data)
    {
        foreach (var (name, value) in data ?? [])
        {
            _xml.WriteAttributeString(name, Clean(value));
        }
    }

    private void Dash(string? dash)
    {
        if (dash is not null)
        {
            _xml.WriteAttributeString("stroke-dasharray", dash);
        }
    }

    private void Tooltip(string? tooltip)
    {
        if (tooltip is not null)
        {
            _xml.WriteElementString("title", Namespace, Clean(tooltip));
        }
    }
}

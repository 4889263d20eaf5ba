using System.Xml.Linq;

namespace Ctraffic.Tests.Charts;

/// <summary>Reads an SVG text back with System.Xml.Linq, for assertions.</summary>
internal sealed class SvgDocument
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public SvgDocument(string text) => Root = XDocument.Parse(text).Root!;

    public XElement Root { get; }

    public IReadOnlyList<XElement> Polylines => [.. Root.Descendants(Svg + "polyline").Where(e => (string?)e.Attribute("class") == "series")];

    public IReadOnlyList<XElement> Bars => [.. Root.Descendants(Svg + "rect").Where(e => (string?)e.Attribute("class") == "bar")];

    public IReadOnlyList<string> Texts(string cssClass)
        => [.. Root.Descendants(Svg + "text").Where(e => (string?)e.Attribute("class") == cssClass).Select(e => e.Value)];

    public XElement Polyline(string series) => Polylines.Single(e => (string?)e.Attribute("data-series") == series);

    public static IReadOnlyList<(double X, double Y)> Points(XElement polyline)
        => [.. ((string)polyline.Attribute("points")!)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))];
}

namespace Cake.EcsDeploy.Verification;

/// <summary>A set of HTTP status codes written as "200-299" or "200,204,301-302".</summary>
public sealed class StatusCodeSet
{
    private readonly IReadOnlyList<(int From, int To)> _ranges;
    private readonly string _text;

    private StatusCodeSet(IReadOnlyList<(int, int)> ranges, string text)
    {
        _ranges = ranges;
        _text = text;
    }

    /// <summary>Parses the text form; throws <see cref="FormatException"/> with the reason.</summary>
    public static StatusCodeSet Parse(string text)
    {
        var ranges = new List<(int, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, out var code) && code is >= 100 and <= 599))
            {
                throw new FormatException($"'{part}' is not a status code (100-599) or a range like 200-299");
            }

            var from = int.Parse(bounds[0]);
            var to = int.Parse(bounds[^1]);
            if (to < from)
            {
                throw new FormatException($"'{part}' is an empty range");
            }

            ranges.Add((from, to));
        }

        return ranges.Count > 0 ? new StatusCodeSet(ranges, string.Join(",", ranges.Select(r => r.Item1 == r.Item2 ? $"{r.Item1}" : $"{r.Item1}-{r.Item2}"))) : throw new FormatException("no status codes given");
    }

    /// <summary>Whether <paramref name="status"/> is in the set.</summary>
    public bool Contains(int status) => _ranges.Any(r => status >= r.From && status <= r.To);

    /// <inheritdoc />
    public override string ToString() => _text;
}

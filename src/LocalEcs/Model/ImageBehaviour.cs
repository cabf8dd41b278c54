using System.Globalization;

namespace LocalEcs.Model;

/// What a task does, decided by its container images (see README "Image behaviours").
internal sealed record ImageBehaviour
{
    public static ImageBehaviour Healthy { get; } = new();

    /// "crash" anywhere in an image: tasks stop with exit code 1 instead of reaching RUNNING.
    public bool Crash { get; init; }

    /// "unhealthy" anywhere in an image: the load balancer answers 503 for every request the task serves.
    public bool Unhealthy { get; init; }

    /// Tag token "status-N": the status the task answers while healthy (default 200).
    public int Status { get; init; } = 200;

    /// Tag token "slow-N": the load balancer answers after N ms.
    public TimeSpan SlowResponse { get; init; }

    /// Tag token "slowstart-N": N ms more in PENDING before RUNNING (or before crashing).
    public TimeSpan SlowStart { get; init; }

    /// Tag token "flap-N": the first N requests a task serves get <see cref="Status"/>, every later one 503.
    public int? FlapAfter { get; init; }

    /// The status for the request a task serves after <paramref name="servedBefore"/> earlier ones.
    public int LoadBalancerStatus(long servedBefore) =>
        Unhealthy || (FlapAfter is { } n && servedBefore >= n) ? 503 : Status;
}

internal static class ImageBehaviours
{
    /// Combines the behaviours of a task's container images. "crash" and "unhealthy" are substrings of any image;
    /// the numbered keywords come from the tags, and the first container that sets a keyword wins.
    public static ImageBehaviour Of(IEnumerable<string> images)
    {
        var behaviour = ImageBehaviour.Healthy;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            if (image.Contains("crash", StringComparison.OrdinalIgnoreCase))
            {
                behaviour = behaviour with { Crash = true };
            }

            if (image.Contains("unhealthy", StringComparison.OrdinalIgnoreCase))
            {
                behaviour = behaviour with { Unhealthy = true };
            }

            foreach (var (keyword, value) in Keywords(Tag(image)))
            {
                if (!seen.Add(keyword))
                {
                    continue;
                }

                behaviour = keyword switch
                {
                    "status" => behaviour with { Status = value },
                    "slow" => behaviour with { SlowResponse = TimeSpan.FromMilliseconds(value) },
                    "slowstart" => behaviour with { SlowStart = TimeSpan.FromMilliseconds(value) },
                    "flap" => behaviour with { FlapAfter = value },
                    _ => behaviour,
                };
            }
        }

        return behaviour;
    }

    /// The tag of "[registry[:port]/]repository[:tag][@digest]", or "" when there is none.
    internal static string Tag(string image)
    {
        var digest = image.IndexOf('@', StringComparison.Ordinal);
        var name = digest >= 0 ? image[..digest] : image;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[(colon + 1)..] : "";
    }

    /// Tokens of the tag split on '-'; a keyword token (case-insensitive) directly followed by a token of digits.
    /// "1.2.0-slow-500" → (slow, 500). Unknown tokens, keywords without a number and out-of-range numbers are ignored.
    internal static IEnumerable<(string Keyword, int Value)> Keywords(string tag)
    {
        var tokens = tag.Split('-');
        for (var i = 0; i + 1 < tokens.Length; i++)
        {
            var keyword = tokens[i].ToLowerInvariant();
            if (keyword is not ("status" or "slow" or "slowstart" or "flap")
                || tokens[i + 1].Length == 0
                || !tokens[i + 1].All(char.IsAsciiDigit)
                || !int.TryParse(tokens[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                || (keyword == "status" && value is < 200 or > 599))
            {
                continue;
            }

            yield return (keyword, value);
            i++;
        }
    }
}

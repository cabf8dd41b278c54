using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LocalEcs.Api;

/// List* paging: maxResults with an opaque nextToken (here: the base64 of an offset).
internal static class Pagination
{
    public static JsonObject Page(EcsRequest request, IReadOnlyList<string> items, string member, int defaultMax, int limit = 100)
    {
        var max = request.Input.Int("maxResults") ?? defaultMax;
        if (max < 1 || max > limit)
        {
            throw EcsException.InvalidParameter($"maxResults must be between 1 and {limit}.");
        }

        var offset = 0;
        if (request.Input.Str("nextToken") is { Length: > 0 } token)
        {
            try
            {
                offset = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                throw EcsException.InvalidParameter("Invalid nextToken.");
            }
        }

        var page = items.Skip(offset).Take(max).ToList();
        var output = new JsonObject { [member] = JsonOutput.Strings(page) };
        if (offset + page.Count < items.Count)
        {
            output["nextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((offset + page.Count).ToString(CultureInfo.InvariantCulture)));
        }

        return output;
    }
}

using System.Text.Json.Nodes;
using LocalEcs.Model;

namespace LocalEcs.Api.Operations;

/// Tags on clusters, services and task definitions (the resources LocalEcs keeps).
internal static class TagOperations
{
    public static JsonObject TagResource(EcsRequest request)
    {
        var tags = Find(request);
        foreach (var tag in request.Input.Tags())
        {
            tags.RemoveAll(t => t.Key == tag.Key);
            tags.Add(tag);
        }

        return [];
    }

    public static JsonObject UntagResource(EcsRequest request)
    {
        var tags = Find(request);
        var keys = request.Input.StrList("tagKeys");
        tags.RemoveAll(t => keys.Contains(t.Key));
        return [];
    }

    public static JsonObject ListTagsForResource(EcsRequest request) =>
        new() { ["tags"] = JsonOutput.Tags(Find(request)) };

    private static List<Tag> Find(EcsRequest request)
    {
        var arn = request.Required("resourceArn");
        var parts = arn.Split(':', 6);
        if (parts.Length < 6 || parts[0] != "arn" || parts[2] != "ecs")
        {
            throw EcsException.InvalidParameter("Invalid resource ARN.");
        }

        var resource = parts[5];
        var slash = resource.IndexOf('/');
        var kind = slash > 0 ? resource[..slash] : resource;
        var path = slash > 0 ? resource[(slash + 1)..].Split('/') : [];
        switch (kind)
        {
            case "cluster" when path.Length == 1:
                return request.Region.Clusters.TryGetValue(path[0], out var cluster)
                    ? cluster.Tags
                    : throw EcsException.ClusterNotFound();
            case "service" when path.Length == 2:
                if (!request.Region.Clusters.TryGetValue(path[0], out var owner))
                {
                    throw EcsException.ClusterNotFound();
                }

                // InvalidParameterException: the one "not found" error all three tag operations declare.
                return owner.Services.TryGetValue(path[1], out var service)
                    ? service.Tags
                    : throw EcsException.InvalidParameter("The specified resource is not found.");
            case "task-definition" when path.Length == 1:
                return request.FindTaskDefinition(path[0]) is { } td
                    ? td.Tags
                    : throw EcsException.InvalidParameter("The specified resource is not found.");
            default:
                throw EcsException.InvalidParameter("The specified resource type is not supported by LocalEcs.");
        }
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LocalEcs.Api.Rendering;
using LocalEcs.Model;

namespace LocalEcs.Api.Operations;

internal static partial class TaskDefinitionOperations
{
    public static JsonObject RegisterTaskDefinition(EcsRequest request)
    {
        var input = request.Input;
        var family = input.Str("family");
        if (string.IsNullOrEmpty(family))
        {
            throw EcsException.InvalidParameter("Family must be specified.");
        }

        if (!FamilyName().IsMatch(family))
        {
            throw EcsException.Client("Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.");
        }

        if (input["containerDefinitions"] is not JsonArray { Count: > 0 } containers)
        {
            throw EcsException.InvalidParameter("Container list cannot be empty.");
        }

        foreach (var container in containers)
        {
            if (container is not JsonObject definition || string.IsNullOrEmpty(definition.Str("name")))
            {
                throw EcsException.InvalidParameter("Container.name should not be null or empty.");
            }

            if (string.IsNullOrEmpty(definition.Str("image")))
            {
                throw EcsException.InvalidParameter("Container.image should not be null or empty.");
            }
        }

        if (input.StrList("requiresCompatibilities").Contains("FARGATE"))
        {
            if (input.Str("networkMode") != "awsvpc")
            {
                throw EcsException.Client("Fargate only supports network mode \u2018awsvpc\u2019.");
            }

            if (input["cpu"] is null)
            {
                throw EcsException.Client("Fargate requires that 'cpu' be defined at the task level.");
            }
        }

        var body = (JsonObject)input.DeepClone();
        body.Remove("tags");
        if (!request.Region.Families.TryGetValue(family, out var revisions))
        {
            revisions = [];
            request.Region.Families[family] = revisions;
        }

        var revision = revisions.Count == 0 ? 1 : revisions[^1].Revision + 1;
        var td = new TaskDefinitionState
        {
            Family = family,
            Revision = revision,
            Arn = Arns.TaskDefinition(request.Region.Name, family, revision),
            Body = body,
            RegisteredAt = request.Now,
        };
        td.Tags.AddRange(input.Tags());
        revisions.Add(td);

        var output = new JsonObject { ["taskDefinition"] = TaskDefinitionJson.Render(td) };
        if (td.Tags.Count > 0)
        {
            output["tags"] = JsonOutput.Tags(td.Tags);
        }

        return output;
    }

    public static JsonObject DescribeTaskDefinition(EcsRequest request)
    {
        var td = request.FindTaskDefinition(request.Required("taskDefinition"))
            ?? throw EcsException.Client("Unable to describe task definition.");
        var output = new JsonObject { ["taskDefinition"] = TaskDefinitionJson.Render(td) };
        if (request.Input.Includes("TAGS"))
        {
            output["tags"] = JsonOutput.Tags(td.Tags);
        }

        return output;
    }

    public static JsonObject DeregisterTaskDefinition(EcsRequest request)
    {
        var reference = request.Required("taskDefinition");
        if (Arns.TaskDefinitionReference(reference).Revision is null)
        {
            throw EcsException.Client("Invalid revision number. Number: " + reference);
        }

        var td = request.FindTaskDefinition(reference)
            ?? throw EcsException.Client("The specified task definition does not exist.");
        if (td.IsActive)
        {
            td.Status = "INACTIVE";
            td.DeregisteredAt = request.Now;
        }

        return new JsonObject { ["taskDefinition"] = TaskDefinitionJson.Render(td) };
    }

    public static JsonObject ListTaskDefinitions(EcsRequest request)
    {
        var status = request.Input.Str("status") ?? "ACTIVE";
        var family = request.Input.Str("familyPrefix");
        var descending = request.Input.Str("sort") == "DESC";
        // ECS sorts by family name, then revision.
        var arns = request.Region.Families
            .Where(f => family is null || f.Key == family)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .SelectMany(f => f.Value)
            .Where(td => td.Status == status)
            .Select(td => td.Arn)
            .ToList();
        if (descending)
        {
            arns.Reverse();
        }

        return Pagination.Page(request, arns, "taskDefinitionArns", defaultMax: 100);
    }

    public static JsonObject ListTaskDefinitionFamilies(EcsRequest request)
    {
        var prefix = request.Input.Str("familyPrefix") ?? "";
        var status = request.Input.Str("status") ?? "ACTIVE";
        var families = request.Region.Families
            .Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Where(f => status == "ALL" || (status == "ACTIVE" ? f.Value.Any(td => td.IsActive) : f.Value.All(td => !td.IsActive)))
            .Select(f => f.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        return Pagination.Page(request, families, "families", defaultMax: 100);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,255}$")]
    private static partial Regex FamilyName();
}

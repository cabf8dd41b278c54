namespace LocalEcs.Model;

/// Builds and parses ARNs the way ECS spells them (long ARN format).
internal static class Arns
{
    public const string AccountId = "000000000000";
    public const string RootPrincipal = "arn:aws:iam::000000000000:root";

    public static string Cluster(string region, string name) => $"arn:aws:ecs:{region}:{AccountId}:cluster/{name}";

    public static string Service(string region, string cluster, string name) =>
        $"arn:aws:ecs:{region}:{AccountId}:service/{cluster}/{name}";

    public static string TaskDefinition(string region, string family, int revision) =>
        $"arn:aws:ecs:{region}:{AccountId}:task-definition/{family}:{revision}";

    public static string Task(string region, string cluster, string id) =>
        $"arn:aws:ecs:{region}:{AccountId}:task/{cluster}/{id}";

    /// "name" or "arn:...:cluster/name" → "name".
    public static string ClusterName(string reference) =>
        reference.StartsWith("arn:", StringComparison.Ordinal) ? AfterLast(reference, '/') : reference;

    /// Service references may be a name, a short ARN (service/name) or a long ARN (service/cluster/name).
    public static string ServiceName(string reference) =>
        reference.StartsWith("arn:", StringComparison.Ordinal) ? AfterLast(reference, '/') : reference;

    /// Task references may be the 32-hex id or a (short or long) task ARN.
    public static string TaskId(string reference) => AfterLast(reference, '/');

    /// "family", "family:3" or "arn:...:task-definition/family:3" → (family, revision or null).
    public static (string Family, int? Revision) TaskDefinitionReference(string reference)
    {
        var text = reference.StartsWith("arn:", StringComparison.Ordinal) ? AfterLast(reference, '/') : reference;
        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), out var revision))
        {
            return (text[..colon], revision);
        }

        return (text, null);
    }

    private static string AfterLast(string text, char separator)
    {
        var index = text.LastIndexOf(separator);
        return index >= 0 ? text[(index + 1)..] : text;
    }
}

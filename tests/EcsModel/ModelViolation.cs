namespace EcsModel;

/// <summary>
/// One place where a JSON document departs from botocore's ECS service model.
/// </summary>
/// <param name="Path">JSONPath-like location, e.g. <c>$.containerDefinitions[0].portMappings[1].containerPort</c>;
/// map entries are addressed as <c>$.dockerLabels['some.key']</c>.</param>
/// <param name="Problem">What is wrong there, naming the model shape involved.</param>
public sealed record ModelViolation(string Path, string Problem)
{
    /// <summary>Formats the violation as <c>Path: Problem</c>.</summary>
    public override string ToString() => $"{Path}: {Problem}";
}

using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EcsModel;

/// <summary>
/// botocore's ECS service model (<c>data/ecs/2014-11-13/service-2.json.gz</c>), used as a referee for JSON 1.1
/// request, response and error bodies. Instances are immutable and thread-safe.
/// </summary>
/// <remarks>
/// Rules checked, recursively from the operation's input/output shape:
/// <list type="bullet">
/// <item>the body is valid JSON (no comments, no trailing commas) and a JSON object;</item>
/// <item>structure: every member must exist in the shape (unknown members are reported by name, with a hint when only
/// the case differs); no member may appear twice; every <c>required</c> member must be present;
/// a union structure must have exactly one member set; a <c>document</c> structure accepts any JSON;</item>
/// <item>null: a member, list element or map value that is JSON <c>null</c> is reported, in requests and responses
/// alike (botocore omits unset members, and so should we);</item>
/// <item>string: a JSON string; when the shape has an <c>enum</c>, the value must be one of it;
/// <c>min</c>/<c>max</c> on its length (in Unicode code points) and <c>pattern</c> (unanchored, as in Smithy) when present;</item>
/// <item>integer/long: a JSON number written as an integer, within 32/64 bits; <c>min</c>/<c>max</c> range when present;</item>
/// <item>double/float: a JSON number (or the strings "NaN", "Infinity", "-Infinity"); <c>min</c>/<c>max</c> range when present;</item>
/// <item>boolean: <c>true</c>/<c>false</c>;</item>
/// <item>timestamp: a JSON number of epoch seconds (botocore's JSON protocol default); a string is only accepted when the
/// model gives <c>timestampFormat</c> iso8601 or rfc822;</item>
/// <item>blob: a base64 string;</item>
/// <item>list: a JSON array, each element checked against <c>member</c>; <c>min</c>/<c>max</c> on its length when present;</item>
/// <item>map: a JSON object, each key checked against <c>key</c> (enum/length/pattern) and each value against <c>value</c>;
/// <c>min</c>/<c>max</c> on its entry count when present.</item>
/// </list>
/// <c>documentation</c>, <c>deprecated</c>, <c>sensitive</c>, <c>box</c> and <c>idempotencyToken</c> are ignored.
/// Member <c>jsonName</c> and <c>timestampFormat</c> overrides are honoured if present (the ECS model has none).
/// </remarks>
public sealed class BotocoreEcsModel
{
    /// <summary>Errors every AWS JSON service may return besides those an operation declares (AWS "common errors").</summary>
    public static IReadOnlyCollection<string> CommonErrorNames { get; } = new SortedSet<string>(StringComparer.Ordinal)
    {
        "AccessDeniedException", "ExpiredTokenException", "IncompleteSignature", "InternalFailure",
        "InvalidAction", "InvalidClientTokenId", "InvalidParameterCombination", "InvalidParameterValue",
        "InvalidSignatureException", "MalformedQueryString", "MissingAction", "MissingAuthenticationToken",
        "MissingParameter", "NotAuthorized", "OptInRequired", "RequestExpired", "SerializationException",
        "ServiceUnavailable", "ThrottlingException", "UnknownOperationException", "UnrecognizedClientException",
        "ValidationError", "ValidationException",
    };

    private static readonly ConcurrentDictionary<string, BotocoreEcsModel> InstalledCache = new(StringComparer.Ordinal);

    private static readonly JsonDocumentOptions StrictJson = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 256,
    };

    private readonly Dictionary<string, Shape> _shapes;
    private readonly Dictionary<string, Operation> _operations;

    private BotocoreEcsModel(string targetPrefix, Dictionary<string, Shape> shapes, Dictionary<string, Operation> operations)
    {
        TargetPrefix = targetPrefix;
        _shapes = shapes;
        _operations = operations;
        OperationNames = operations.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary><c>metadata.targetPrefix</c>, e.g. <c>AmazonEC2ContainerServiceV20141113</c>.</summary>
    public string TargetPrefix { get; }

    /// <summary>All operation names of the model, sorted ordinally.</summary>
    public IReadOnlyCollection<string> OperationNames { get; }

    /// <summary>
    /// Loads the model of the installed botocore: the environment variable <c>BOTOCORE_ECS_MODEL</c> (a path to
    /// <c>service-2.json[.gz]</c> or its directory) first, else the botocore that
    /// <c>python3 -c "import botocore,os;print(os.path.dirname(botocore.__file__))"</c> reports. Loaded models are cached
    /// per file. Throws <see cref="InvalidOperationException"/> explaining how to install botocore when none is found.
    /// </summary>
    public static BotocoreEcsModel LoadInstalled()
    {
        var path = BotocoreLocator.FindServiceModel();
        return InstalledCache.GetOrAdd(path, Load);
    }

    /// <summary>Loads <c>service-2.json</c> or gzip-compressed <c>service-2.json.gz</c>.</summary>
    public static BotocoreEcsModel Load(string serviceModelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceModelPath);
        using var file = File.OpenRead(serviceModelPath);
        using Stream stream = IsGzip(serviceModelPath, file) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var document = JsonDocument.Parse(stream);
        return Parse(document.RootElement, serviceModelPath);
    }

    /// <summary>Validates a request body against <c>operations[operation].input</c>. Empty list means valid.</summary>
    /// <exception cref="ArgumentException">The operation is not in the model.</exception>
    public IReadOnlyList<ModelViolation> ValidateRequest(string operation, string json) =>
        ValidateBody(json, GetOperation(operation).Input);

    /// <summary>Validates a (successful) response body against <c>operations[operation].output</c>. Empty list means valid.</summary>
    /// <exception cref="ArgumentException">The operation is not in the model.</exception>
    public IReadOnlyList<ModelViolation> ValidateResponse(string operation, string json) =>
        ValidateBody(json, GetOperation(operation).Output);

    /// <summary>
    /// Validates an error body: a JSON object whose <c>__type</c> (possibly <c>"prefix#Name"</c>) names one of the
    /// operation's <see cref="ErrorNames"/> or one of <see cref="CommonErrorNames"/>, with a string <c>message</c>;
    /// the other members must fit the error shape (common errors allow only <c>__type</c> and <c>message</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The operation is not in the model.</exception>
    public IReadOnlyList<ModelViolation> ValidateError(string operation, string json)
    {
        var op = GetOperation(operation);
        var violations = new List<ModelViolation>();
        using var document = TryParse(json, violations);
        if (document is null)
        {
            return violations;
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new("$", $"an error body must be a JSON object, got {Describe(root)}"));
            return violations;
        }

        Shape? errorShape = null;
        var typeKnown = false;
        if (!root.TryGetProperty("__type", out var type))
        {
            violations.Add(new("$.__type", "missing required member '__type' naming the error"));
        }
        else if (type.ValueKind != JsonValueKind.String)
        {
            violations.Add(new("$.__type", $"expected a string naming the error, got {Describe(type)}"));
        }
        else
        {
            var raw = type.GetString()!;
            var name = raw[(raw.LastIndexOf('#') + 1)..];
            if (op.Errors.Contains(name))
            {
                errorShape = _shapes[name];
                typeKnown = true;
            }
            else if (CommonErrorNames.Contains(name))
            {
                typeKnown = true;
            }
            else
            {
                var where = _shapes.TryGetValue(name, out var other) && other.IsException
                    ? $"'{name}' is an ECS error, but not one {operation} declares"
                    : $"'{name}' is not an error of the ECS model nor a common AWS error";
                violations.Add(new("$.__type",
                    $"{where}; expected one of: {string.Join(", ", op.Errors)} (or a common error such as ThrottlingException)"));
            }
        }

        if (!root.TryGetProperty("message", out var message))
        {
            violations.Add(new("$.message", "missing member 'message' (a string describing the error)"));
        }
        else if (message.ValueKind != JsonValueKind.String && (errorShape is null || !errorShape.Members.ContainsKey("message")))
        {
            // when the error shape declares 'message', CheckStructure below reports its type
            violations.Add(new("$.message", $"expected a string, got {Describe(message)}"));
        }

        if (errorShape is not null)
        {
            CheckStructure(root, errorShape, "$", violations, ignore: "__type");
        }
        else if (typeKnown)
        {
            CheckDuplicates(root, "$", violations);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("__type" or "message"))
                {
                    violations.Add(new(Append("$", property.Name),
                        $"unknown member '{property.Name}' (a common error carries only '__type' and 'message')"));
                }
            }
        }

        return violations;
    }

    /// <summary>The error shape names <c>operations[operation].errors</c> declares, in model order.</summary>
    /// <exception cref="ArgumentException">The operation is not in the model.</exception>
    public IReadOnlyList<string> ErrorNames(string operation) => GetOperation(operation).Errors;

    /// <summary>
    /// Maps an <c>X-Amz-Target</c> header value such as <c>AmazonEC2ContainerServiceV20141113.DescribeServices</c> to
    /// <c>DescribeServices</c>; null when the prefix is not <see cref="TargetPrefix"/> or the operation is unknown
    /// (both compared ordinally, as AWS does).
    /// </summary>
    public string? OperationFromTarget(string xAmzTargetHeader)
    {
        if (string.IsNullOrEmpty(xAmzTargetHeader))
        {
            return null;
        }

        var dot = xAmzTargetHeader.LastIndexOf('.');
        if (dot < 0 || !xAmzTargetHeader.AsSpan(0, dot).SequenceEqual(TargetPrefix))
        {
            return null;
        }

        var name = xAmzTargetHeader[(dot + 1)..];
        return _operations.ContainsKey(name) ? name : null;
    }

    private Operation GetOperation(string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return _operations.TryGetValue(operation, out var op)
            ? op
            : throw new ArgumentException($"'{operation}' is not an operation of the ECS model.", nameof(operation));
    }

    private List<ModelViolation> ValidateBody(string json, string? shapeName)
    {
        var violations = new List<ModelViolation>();
        using var document = TryParse(json, violations);
        if (document is null)
        {
            return violations;
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new("$", $"the body must be a JSON object, got {Describe(root)}"));
            return violations;
        }

        if (shapeName is null)
        {
            // no input/output shape: botocore sends/expects an empty object
            CheckDuplicates(root, "$", violations);
            foreach (var property in root.EnumerateObject())
            {
                violations.Add(new(Append("$", property.Name), $"unknown member '{property.Name}' (the operation has no members)"));
            }

            return violations;
        }

        CheckStructure(root, _shapes[shapeName], "$", violations, ignore: null);
        return violations;
    }

    private static JsonDocument? TryParse(string json, List<ModelViolation> violations)
    {
        if (json is null)
        {
            violations.Add(new("$", "the body is null"));
            return null;
        }

        try
        {
            return JsonDocument.Parse(json, StrictJson);
        }
        catch (JsonException ex)
        {
            violations.Add(new("$", $"the body is not valid JSON: {ex.Message}"));
            return null;
        }
    }

    private void Check(JsonElement value, string shapeName, string? timestampFormat, string path, List<ModelViolation> violations)
    {
        var shape = _shapes[shapeName];
        switch (shape.Type)
        {
            case "structure":
                if (shape.IsDocument)
                {
                    return;
                }

                if (value.ValueKind != JsonValueKind.Object)
                {
                    violations.Add(new(path, $"expected an object (structure {shape.Name}), got {Describe(value)}"));
                    return;
                }

                CheckStructure(value, shape, path, violations, ignore: null);
                return;

            case "list":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    violations.Add(new(path, $"expected an array (list {shape.Name}), got {Describe(value)}"));
                    return;
                }

                CheckCount(value.GetArrayLength(), shape, "elements", path, violations);
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var itemPath = $"{path}[{index++}]";
                    if (item.ValueKind == JsonValueKind.Null)
                    {
                        violations.Add(new(itemPath, $"null element in list {shape.Name} (expected {_shapes[shape.Member!].Type} {shape.Member})"));
                    }
                    else
                    {
                        Check(item, shape.Member!, shape.MemberTimestampFormat, itemPath, violations);
                    }
                }

                return;

            case "map":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    violations.Add(new(path, $"expected an object (map {shape.Name}), got {Describe(value)}"));
                    return;
                }

                CheckDuplicates(value, path, violations);
                var count = 0;
                foreach (var entry in value.EnumerateObject())
                {
                    count++;
                    var entryPath = Append(path, entry.Name, forceBrackets: true);
                    CheckString(entry.Name, _shapes[shape.Key!], entryPath, violations, what: "map key");
                    if (entry.Value.ValueKind == JsonValueKind.Null)
                    {
                        violations.Add(new(entryPath, $"null value in map {shape.Name} (expected {_shapes[shape.Value!].Type} {shape.Value}); omit the entry instead"));
                    }
                    else
                    {
                        Check(entry.Value, shape.Value!, shape.ValueTimestampFormat, entryPath, violations);
                    }
                }

                CheckCount(count, shape, "entries", path, violations);
                return;

            case "string":
                if (value.ValueKind != JsonValueKind.String)
                {
                    violations.Add(new(path, $"expected a string ({shape.Name}), got {Describe(value)}"));
                    return;
                }

                CheckString(value.GetString()!, shape, path, violations, what: "value");
                return;

            case "integer":
            case "long":
            case "short":
            case "byte":
                CheckInteger(value, shape, path, violations);
                return;

            case "double":
            case "float":
                CheckFloat(value, shape, path, violations);
                return;

            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    violations.Add(new(path, $"expected a boolean ({shape.Name}), got {Describe(value)}"));
                }

                return;

            case "timestamp":
                CheckTimestamp(value, shape, timestampFormat ?? shape.TimestampFormat, path, violations);
                return;

            case "blob":
                if (value.ValueKind != JsonValueKind.String)
                {
                    violations.Add(new(path, $"expected a base64 string (blob {shape.Name}), got {Describe(value)}"));
                    return;
                }

                var text = value.GetString()!;
                if (!Convert.TryFromBase64String(text, new byte[(text.Length * 3 / 4) + 3], out var written))
                {
                    violations.Add(new(path, $"expected a base64 string (blob {shape.Name}), got {Describe(value)}"));
                    return;
                }

                CheckCount(written, shape, "bytes", path, violations);
                return;

            default:
                violations.Add(new(path, $"shape {shape.Name} has type '{shape.Type}', which this validator does not know"));
                return;
        }
    }

    private void CheckStructure(JsonElement value, Shape shape, string path, List<ModelViolation> violations, string? ignore)
    {
        CheckDuplicates(value, path, violations);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var setMembers = 0;
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name == ignore)
            {
                continue;
            }

            var memberPath = Append(path, property.Name);
            if (!shape.Members.TryGetValue(property.Name, out var member))
            {
                var hint = shape.Members.Keys.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
                violations.Add(new(memberPath, hint is null
                    ? $"unknown member '{property.Name}' (not in structure {shape.Name})"
                    : $"unknown member '{property.Name}' (not in structure {shape.Name}; did you mean '{hint}'?)"));
                continue;
            }

            present.Add(property.Name);
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                violations.Add(new(memberPath, shape.Required.Contains(property.Name)
                    ? $"null value for required member '{property.Name}' of {shape.Name}"
                    : $"null value for member '{property.Name}' of {shape.Name}; omit the member instead"));
                continue;
            }

            setMembers++;
            Check(property.Value, member.Shape, member.TimestampFormat, memberPath, violations);
        }

        foreach (var required in shape.Required)
        {
            if (!present.Contains(required))
            {
                violations.Add(new(Append(path, required), $"missing required member '{required}' of {shape.Name}"));
            }
        }

        if (shape.IsUnion && setMembers != 1)
        {
            violations.Add(new(path, $"union {shape.Name} must have exactly one member set, found {setMembers}"));
        }
    }

    private static void CheckDuplicates(JsonElement value, string path, List<ModelViolation> violations)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                violations.Add(new(Append(path, property.Name), $"member '{property.Name}' appears more than once"));
            }
        }
    }

    private static void CheckString(string text, Shape shape, string path, List<ModelViolation> violations, string what)
    {
        if (shape.Enum is not null && !shape.Enum.Contains(text))
        {
            violations.Add(new(path, $"{what} \"{text}\" is not a valid {shape.Name}; expected one of: {string.Join(", ", shape.EnumInOrder!)}"));
        }

        CheckCount(CountCodePoints(text), shape, "characters", path, violations);

        if (shape.Pattern is not null)
        {
            bool matches;
            try
            {
                matches = shape.Pattern.IsMatch(text);
            }
            catch (RegexMatchTimeoutException)
            {
                matches = true;
            }

            if (!matches)
            {
                violations.Add(new(path, $"{what} \"{text}\" does not match the pattern of {shape.Name}: {shape.Pattern}"));
            }
        }
    }

    private static void CheckCount(int count, Shape shape, string unit, string path, List<ModelViolation> violations)
    {
        if (shape.Min is { } min && count < min)
        {
            violations.Add(new(path, $"{shape.Type} {shape.Name} has {count} {unit}, fewer than its min {Format(min)}"));
        }

        if (shape.Max is { } max && count > max)
        {
            violations.Add(new(path, $"{shape.Type} {shape.Name} has {count} {unit}, more than its max {Format(max)}"));
        }
    }

    private static void CheckInteger(JsonElement value, Shape shape, string path, List<ModelViolation> violations)
    {
        var kind = shape.Type == "long" ? "64-bit" : shape.Type == "integer" ? "32-bit" : shape.Type;
        if (value.ValueKind != JsonValueKind.Number)
        {
            violations.Add(new(path, $"expected an integer ({shape.Type} {shape.Name}), got {Describe(value)}"));
            return;
        }

        var raw = value.GetRawText();
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
        {
            violations.Add(new(path, $"expected an integer ({shape.Type} {shape.Name}), got non-integer number {raw}"));
            return;
        }

        var (low, high) = shape.Type switch
        {
            "integer" => ((long)int.MinValue, (long)int.MaxValue),
            "short" => (short.MinValue, short.MaxValue),
            "byte" => (sbyte.MinValue, sbyte.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };
        if (!value.TryGetInt64(out var number) || number < low || number > high)
        {
            violations.Add(new(path, $"integer {raw} is out of range for {kind} {shape.Name}"));
            return;
        }

        CheckRange(number, raw, shape, path, violations);
    }

    private static void CheckFloat(JsonElement value, Shape shape, string path, List<ModelViolation> violations)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is "NaN" or "Infinity" or "-Infinity")
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            violations.Add(new(path, $"expected a number ({shape.Type} {shape.Name}), got {Describe(value)}"));
            return;
        }

        CheckRange(value.GetDouble(), value.GetRawText(), shape, path, violations);
    }

    private static void CheckRange(double number, string raw, Shape shape, string path, List<ModelViolation> violations)
    {
        if (shape.Min is { } min && number < min)
        {
            violations.Add(new(path, $"{raw} is below the min {Format(min)} of {shape.Name}"));
        }

        if (shape.Max is { } max && number > max)
        {
            violations.Add(new(path, $"{raw} is above the max {Format(max)} of {shape.Name}"));
        }
    }

    private static void CheckTimestamp(JsonElement value, Shape shape, string? format, string path, List<ModelViolation> violations)
    {
        switch (format)
        {
            case null or "unixTimestamp":
                if (value.ValueKind != JsonValueKind.Number)
                {
                    violations.Add(new(path, $"expected a timestamp as a JSON number of epoch seconds ({shape.Name}; botocore's JSON protocol), got {Describe(value)}"));
                }

                return;
            case "iso8601":
                if (value.ValueKind != JsonValueKind.String ||
                    !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
                {
                    violations.Add(new(path, $"expected an ISO 8601 timestamp string ({shape.Name}), got {Describe(value)}"));
                }

                return;
            case "rfc822":
                if (value.ValueKind != JsonValueKind.String ||
                    !DateTimeOffset.TryParseExact(value.GetString(), "r", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    violations.Add(new(path, $"expected an RFC 822 timestamp string ({shape.Name}), got {Describe(value)}"));
                }

                return;
            default:
                violations.Add(new(path, $"unknown timestampFormat '{format}' on {shape.Name}"));
                return;
        }
    }

    private static int CountCodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static string Format(double number) => number.ToString(CultureInfo.InvariantCulture);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"string {Truncate(value.GetRawText())}",
        JsonValueKind.Number => $"number {value.GetRawText()}",
        JsonValueKind.True => "boolean true",
        JsonValueKind.False => "boolean false",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..77] + "...";

    internal static string Append(string path, string name, bool forceBrackets = false)
    {
        if (!forceBrackets && IsIdentifier(name))
        {
            return $"{path}.{name}";
        }

        var escaped = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (c is '\'' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return $"{path}['{escaped}']";
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsGzip(string path, FileStream file)
    {
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static BotocoreEcsModel Parse(JsonElement root, string source)
    {
        if (!root.TryGetProperty("metadata", out var metadata) ||
            !root.TryGetProperty("operations", out var operations) ||
            !root.TryGetProperty("shapes", out var shapes))
        {
            throw new InvalidDataException($"'{source}' is not a botocore service model (needs metadata, operations and shapes).");
        }

        var targetPrefix = metadata.TryGetProperty("targetPrefix", out var tp) ? tp.GetString() ?? "" : "";

        var shapeMap = new Dictionary<string, Shape>(StringComparer.Ordinal);
        foreach (var property in shapes.EnumerateObject())
        {
            shapeMap[property.Name] = ParseShape(property.Name, property.Value);
        }

        var operationMap = new Dictionary<string, Operation>(StringComparer.Ordinal);
        foreach (var property in operations.EnumerateObject())
        {
            var op = property.Value;
            string? ShapeOf(string key) =>
                op.TryGetProperty(key, out var reference) && reference.TryGetProperty("shape", out var name) ? name.GetString() : null;

            var errors = op.TryGetProperty("errors", out var errorList)
                ? errorList.EnumerateArray().Select(e => e.GetProperty("shape").GetString()!).ToArray()
                : [];
            operationMap[property.Name] = new Operation(ShapeOf("input"), ShapeOf("output"), errors);
        }

        // fail at load time, not mid-validation, if the model references a shape it does not define
        foreach (var shape in shapeMap.Values)
        {
            foreach (var reference in shape.References())
            {
                if (!shapeMap.ContainsKey(reference))
                {
                    throw new InvalidDataException($"'{source}': shape {shape.Name} references undefined shape {reference}.");
                }
            }
        }

        foreach (var (name, op) in operationMap)
        {
            foreach (var reference in op.Errors.Append(op.Input).Append(op.Output))
            {
                if (reference is not null && !shapeMap.ContainsKey(reference))
                {
                    throw new InvalidDataException($"'{source}': operation {name} references undefined shape {reference}.");
                }
            }
        }

        return new BotocoreEcsModel(targetPrefix, shapeMap, operationMap);
    }

    private static Shape ParseShape(string name, JsonElement json)
    {
        static string? Str(JsonElement e, string key) =>
            e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static double? Num(JsonElement e, string key) =>
            e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        static bool Flag(JsonElement e, string key) =>
            e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;
        static string? RefShape(JsonElement e, string key) =>
            e.TryGetProperty(key, out var r) ? Str(r, "shape") : null;
        static string? RefTimestamp(JsonElement e, string key) =>
            e.TryGetProperty(key, out var r) ? Str(r, "timestampFormat") : null;

        var members = new Dictionary<string, MemberRef>(StringComparer.Ordinal);
        if (json.TryGetProperty("members", out var memberJson))
        {
            foreach (var member in memberJson.EnumerateObject())
            {
                var wireName = Str(member.Value, "jsonName") ?? member.Name;
                members[wireName] = new MemberRef(Str(member.Value, "shape")!, Str(member.Value, "timestampFormat"));
            }
        }

        // required lists model member names; map them to wire names (identical unless jsonName is used)
        var required = new List<string>();
        if (json.TryGetProperty("required", out var requiredJson))
        {
            foreach (var r in requiredJson.EnumerateArray())
            {
                var memberName = r.GetString()!;
                var wire = memberJson.ValueKind == JsonValueKind.Object && memberJson.TryGetProperty(memberName, out var m)
                    ? Str(m, "jsonName") ?? memberName
                    : memberName;
                required.Add(wire);
            }
        }

        string[]? enumValues = json.TryGetProperty("enum", out var enumJson)
            ? enumJson.EnumerateArray().Select(e => e.GetString()!).ToArray()
            : null;

        Regex? pattern = null;
        if (Str(json, "pattern") is { } patternText)
        {
            try
            {
                pattern = new Regex(patternText, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                pattern = null; // a pattern .NET cannot parse is not checked
            }
        }

        return new Shape
        {
            Name = name,
            Type = Str(json, "type") ?? "structure",
            Members = members,
            Required = required,
            Member = RefShape(json, "member"),
            MemberTimestampFormat = RefTimestamp(json, "member"),
            Key = RefShape(json, "key"),
            Value = RefShape(json, "value"),
            ValueTimestampFormat = RefTimestamp(json, "value"),
            EnumInOrder = enumValues,
            Enum = enumValues is null ? null : new HashSet<string>(enumValues, StringComparer.Ordinal),
            Min = Num(json, "min"),
            Max = Num(json, "max"),
            Pattern = pattern,
            TimestampFormat = Str(json, "timestampFormat"),
            IsDocument = Flag(json, "document"),
            IsUnion = Flag(json, "union"),
            IsException = Flag(json, "exception"),
        };
    }

    private sealed record Operation(string? Input, string? Output, string[] Errors);

    private sealed record MemberRef(string Shape, string? TimestampFormat);

    private sealed class Shape
    {
        public required string Name { get; init; }
        public required string Type { get; init; }
        public required Dictionary<string, MemberRef> Members { get; init; }
        public required List<string> Required { get; init; }
        public string? Member { get; init; }
        public string? MemberTimestampFormat { get; init; }
        public string? Key { get; init; }
        public string? Value { get; init; }
        public string? ValueTimestampFormat { get; init; }
        public string[]? EnumInOrder { get; init; }
        public HashSet<string>? Enum { get; init; }
        public double? Min { get; init; }
        public double? Max { get; init; }
        public Regex? Pattern { get; init; }
        public string? TimestampFormat { get; init; }
        public bool IsDocument { get; init; }
        public bool IsUnion { get; init; }
        public bool IsException { get; init; }

        public IEnumerable<string> References()
        {
            foreach (var member in Members.Values)
            {
                yield return member.Shape;
            }

            if (Type == "list" && Member is null)
            {
                throw new InvalidDataException($"list shape {Name} has no member");
            }

            if (Type == "map" && (Key is null || Value is null))
            {
                throw new InvalidDataException($"map shape {Name} lacks key or value");
            }

            foreach (var reference in new[] { Member, Key, Value })
            {
                if (reference is not null)
                {
                    yield return reference;
                }
            }
        }
    }
}

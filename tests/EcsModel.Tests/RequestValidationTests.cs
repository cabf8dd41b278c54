using EcsModel;
using Shouldly;

namespace EcsModel.Tests;

public sealed class RequestValidationTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private readonly BotocoreEcsModel _model = fixture.Model;

    private const string ValidRegisterTaskDefinition = """
        {
          "family": "web",
          "taskRoleArn": "arn:aws:iam::123456789012:role/task",
          "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
          "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"],
          "cpu": "256",
          "memory": "512",
          "containerDefinitions": [
            {
              "name": "web",
              "image": "nginx:1.27",
              "essential": true,
              "cpu": 0,
              "portMappings": [
                { "containerPort": 80, "hostPort": 80, "protocol": "tcp" },
                { "containerPort": 443, "protocol": "tcp", "name": "https", "appProtocol": "http2" }
              ],
              "environment": [ { "name": "ASPNETCORE_ENVIRONMENT", "value": "Production" } ],
              "secrets": [ { "name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" } ],
              "logConfiguration": {
                "logDriver": "awslogs",
                "options": { "awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web" }
              },
              "healthCheck": {
                "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 10
              },
              "dockerLabels": { "com.example.team": "platform" }
            }
          ],
          "tags": [ { "key": "team", "value": "platform" } ]
        }
        """;

    [Fact]
    public void Valid_RegisterTaskDefinition_request_passes()
    {
        _model.ValidateRequest("RegisterTaskDefinition", ValidRegisterTaskDefinition).ShouldBeEmpty();
    }

    [Fact]
    public void Valid_small_requests_pass()
    {
        _model.ValidateRequest("DescribeServices", """{"cluster":"default","services":["web"],"include":["TAGS"]}""").ShouldBeEmpty();
        _model.ValidateRequest("UpdateService", """
            {"cluster":"default","service":"web","taskDefinition":"web:3","forceNewDeployment":true,
             "deploymentConfiguration":{"deploymentCircuitBreaker":{"enable":true,"rollback":true},"maximumPercent":200,"minimumHealthyPercent":100}}
            """).ShouldBeEmpty();
        _model.ValidateRequest("ListClusters", "{}").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("taskDefinitionArn", "\"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1\"")]
    [InlineData("revision", "1")]
    [InlineData("status", "\"ACTIVE\"")]
    [InlineData("registeredAt", "1700000000.5")]
    [InlineData("compatibilities", "[\"EC2\",\"FARGATE\"]")]
    public void Members_of_a_described_task_definition_are_unknown_in_a_register_request(string member, string value)
    {
        var json = ValidRegisterTaskDefinition.TrimEnd().TrimEnd('}') + $", \"{member}\": {value} }}";

        var violations = _model.ValidateRequest("RegisterTaskDefinition", json);

        var violation = violations.ShouldHaveSingleItem();
        violation.Path.ShouldBe("$." + member);
        violation.Problem.ShouldContain($"unknown member '{member}'");
        violation.Problem.ShouldContain("RegisterTaskDefinitionRequest");
    }

    [Fact]
    public void Unknown_member_deep_inside_lists_has_the_full_path()
    {
        var json = """{"family":"web","containerDefinitions":[{"name":"a","image":"i"},{"name":"b","image":"i","portMappings":[{"containerPort":80},{"containerPort":81,"port":81}]}]}""";

        _model.ValidateRequest("RegisterTaskDefinition", json)
            .ShouldHaveSingleItem()
            .ShouldBe(new ModelViolation("$.containerDefinitions[1].portMappings[1].port", "unknown member 'port' (not in structure PortMapping)"));
    }

    [Fact]
    public void Case_mismatch_gets_a_hint()
    {
        var violation = _model.ValidateRequest("DescribeServices", """{"Cluster":"default","services":["web"]}""").ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.Cluster");
        violation.Problem.ShouldContain("did you mean 'cluster'?");
    }

    [Fact]
    public void Missing_required_member_is_reported_at_its_path()
    {
        var violation = _model.ValidateRequest("RegisterTaskDefinition", """{"containerDefinitions":[]}""").ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.family");
        violation.Problem.ShouldBe("missing required member 'family' of RegisterTaskDefinitionRequest");
    }

    [Fact]
    public void Missing_required_member_in_nested_structure()
    {
        var json = """{"family":"web","containerDefinitions":[{"name":"web","image":"i","environment":[{"name":"A"}],"secrets":[{"name":"S"}]}]}""";

        var violation = _model.ValidateRequest("RegisterTaskDefinition", json).ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.containerDefinitions[0].secrets[0].valueFrom");
        violation.Problem.ShouldContain("missing required member 'valueFrom' of Secret");
    }

    [Fact]
    public void Null_members_are_reported()
    {
        var violations = _model.ValidateRequest("RegisterTaskDefinition", """{"family":null,"containerDefinitions":[{"name":"web","image":"i","cpu":null}]}""");

        violations.Select(v => v.Path).ShouldBe(["$.family", "$.containerDefinitions[0].cpu"], ignoreOrder: true);
        violations.Single(v => v.Path == "$.family").Problem.ShouldContain("null value for required member");
        violations.Single(v => v.Path == "$.containerDefinitions[0].cpu").Problem.ShouldContain("omit the member");
    }

    [Fact]
    public void Null_list_elements_and_map_values_are_reported()
    {
        var json = """{"family":"web","containerDefinitions":[{"name":"web","image":"i","dockerLabels":{"a.b":null},"links":[null]}]}""";

        var violations = _model.ValidateRequest("RegisterTaskDefinition", json);

        violations.Select(v => v.Path).ShouldBe(["$.containerDefinitions[0].dockerLabels['a.b']", "$.containerDefinitions[0].links[0]"], ignoreOrder: true);
    }

    [Fact]
    public void String_where_integer_expected()
    {
        var json = """{"family":"web","containerDefinitions":[{"name":"web","image":"i","portMappings":[{"containerPort":"80"}]}]}""";

        var violation = _model.ValidateRequest("RegisterTaskDefinition", json).ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.containerDefinitions[0].portMappings[0].containerPort");
        violation.Problem.ShouldContain("expected an integer");
        violation.Problem.ShouldContain("got string \"80\"");
    }

    [Fact]
    public void Fractional_and_out_of_range_integers()
    {
        var json = """{"family":"web","containerDefinitions":[{"name":"web","image":"i","memory":512.5,"cpu":3000000000}]}""";

        var violations = _model.ValidateRequest("RegisterTaskDefinition", json);

        violations.Single(v => v.Path == "$.containerDefinitions[0].memory").Problem.ShouldContain("non-integer number 512.5");
        violations.Single(v => v.Path == "$.containerDefinitions[0].cpu").Problem.ShouldContain("out of range");
        violations.Count.ShouldBe(2);
    }

    [Fact]
    public void Integer_where_string_expected()
    {
        // task-level cpu/memory are strings in the model ("256"), unlike container-level ones
        var violation = _model.ValidateRequest("RegisterTaskDefinition", """{"family":"web","containerDefinitions":[],"cpu":256}""").ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.cpu");
        violation.Problem.ShouldContain("expected a string");
    }

    [Fact]
    public void Object_where_list_expected_and_list_where_structure_expected()
    {
        var violations = _model.ValidateRequest("RegisterTaskDefinition", """{"family":"web","containerDefinitions":{"name":"web","image":"i"},"runtimePlatform":[]}""");

        violations.Single(v => v.Path == "$.containerDefinitions").Problem.ShouldContain("expected an array (list ContainerDefinitions), got an object");
        violations.Single(v => v.Path == "$.runtimePlatform").Problem.ShouldContain("expected an object (structure RuntimePlatform), got an array");
        violations.Count.ShouldBe(2);
    }

    [Fact]
    public void Boolean_type_is_checked()
    {
        var json = """{"family":"web","containerDefinitions":[{"name":"web","image":"i","essential":"true"}]}""";

        _model.ValidateRequest("RegisterTaskDefinition", json).ShouldHaveSingleItem().Path.ShouldBe("$.containerDefinitions[0].essential");
    }

    [Fact]
    public void Bad_enum_value_is_reported_with_the_allowed_values()
    {
        var violation = _model.ValidateRequest("RegisterTaskDefinition", """{"family":"web","containerDefinitions":[],"networkMode":"bridgee"}""").ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.networkMode");
        violation.Problem.ShouldBe("value \"bridgee\" is not a valid NetworkMode; expected one of: bridge, host, awsvpc, none");
    }

    [Fact]
    public void Enum_values_inside_lists_are_checked()
    {
        var violation = _model.ValidateRequest("RegisterTaskDefinition", """{"family":"web","containerDefinitions":[],"requiresCompatibilities":["FARGATE","fargate"]}""").ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.requiresCompatibilities[1]");
        violation.Problem.ShouldContain("Compatibility");
    }

    [Fact]
    public void Map_value_types_are_checked()
    {
        var json = """{"family":"web","containerDefinitions":[{"name":"web","image":"i","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","max-buffer":4}}}]}""";

        var violation = _model.ValidateRequest("RegisterTaskDefinition", json).ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.containerDefinitions[0].logConfiguration.options['max-buffer']");
        violation.Problem.ShouldContain("expected a string");
    }

    [Fact]
    public void Length_and_range_constraints_are_checked_when_the_model_has_them()
    {
        var tooManyTags = string.Join(",", Enumerable.Range(0, 51).Select(i => $$"""{"key":"k{{i}}","value":"v"}"""));
        var json = $$"""{"family":"web","containerDefinitions":[],"tags":[{{tooManyTags}},{"key":"","value":"v"}]}""";

        var violations = _model.ValidateRequest("RegisterTaskDefinition", json);

        violations.Single(v => v.Path == "$.tags").Problem.ShouldContain("more than its max 50");
        violations.Single(v => v.Path == "$.tags[51].key").Problem.ShouldContain("fewer than its min 1");
        violations.Count.ShouldBe(2);

        var strategy = """{"service":"web","capacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":1001,"base":-1}]}""";
        var rangeViolations = _model.ValidateRequest("UpdateService", strategy);
        rangeViolations.Single(v => v.Path == "$.capacityProviderStrategy[0].weight").Problem.ShouldContain("above the max 1000");
        rangeViolations.Single(v => v.Path == "$.capacityProviderStrategy[0].base").Problem.ShouldContain("below the min 0");
        rangeViolations.Count.ShouldBe(2);
    }

    [Fact]
    public void Duplicate_members_are_reported()
    {
        _model.ValidateRequest("DescribeServices", """{"cluster":"a","cluster":"b","services":["web"]}""")
            .ShouldHaveSingleItem().Path.ShouldBe("$.cluster");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"cluster\":\"a\",}")]
    [InlineData("[]")]
    [InlineData("null")]
    public void Body_that_is_not_a_json_object_is_reported_at_the_root(string body)
    {
        _model.ValidateRequest("ListClusters", body).ShouldHaveSingleItem().Path.ShouldBe("$");
    }

    [Fact]
    public void Unknown_operation_throws()
    {
        Should.Throw<ArgumentException>(() => _model.ValidateRequest("DescribeService", "{}"));
    }

    [Fact]
    public void Violation_formats_as_path_colon_problem()
    {
        new ModelViolation("$.family", "missing").ToString().ShouldBe("$.family: missing");
    }
}

using EcsModel;
using Shouldly;

namespace EcsModel.Tests;

public sealed class ResponseValidationTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private readonly BotocoreEcsModel _model = fixture.Model;

    private const string ValidDescribeServices = """
        {
          "services": [
            {
              "serviceArn": "arn:aws:ecs:eu-west-1:123456789012:service/default/web",
              "serviceName": "web",
              "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/default",
              "status": "ACTIVE",
              "desiredCount": 2, "runningCount": 2, "pendingCount": 0,
              "launchType": "FARGATE",
              "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3",
              "createdAt": 1700000000.123,
              "deploymentConfiguration": {
                "deploymentCircuitBreaker": { "enable": true, "rollback": true },
                "maximumPercent": 200, "minimumHealthyPercent": 100
              },
              "deployments": [
                {
                  "id": "ecs-svc/1234567890123456789",
                  "status": "PRIMARY",
                  "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3",
                  "desiredCount": 2, "pendingCount": 0, "runningCount": 2, "failedTasks": 0,
                  "createdAt": 1700000000.123, "updatedAt": 1700000100,
                  "launchType": "FARGATE",
                  "rolloutState": "COMPLETED",
                  "rolloutStateReason": "ECS deployment ecs-svc/1234567890123456789 completed."
                }
              ],
              "events": [ { "id": "e1", "createdAt": 1700000100.5, "message": "(service web) has reached a steady state." } ],
              "networkConfiguration": {
                "awsvpcConfiguration": { "subnets": ["subnet-1"], "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED" }
              },
              "tags": [ { "key": "team", "value": "platform" } ]
            }
          ],
          "failures": [ { "arn": "arn:aws:ecs:eu-west-1:123456789012:service/default/gone", "reason": "MISSING" } ]
        }
        """;

    [Fact]
    public void Valid_DescribeServices_response_passes()
    {
        _model.ValidateResponse("DescribeServices", ValidDescribeServices).ShouldBeEmpty();
    }

    [Fact]
    public void Valid_DescribeTaskDefinition_response_passes()
    {
        var json = """
            {
              "taskDefinition": {
                "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3",
                "family": "web", "revision": 3, "status": "ACTIVE",
                "networkMode": "awsvpc", "cpu": "256", "memory": "512",
                "requiresCompatibilities": ["FARGATE"], "compatibilities": ["EC2", "FARGATE"],
                "containerDefinitions": [
                  { "name": "web", "image": "nginx", "essential": true, "cpu": 0,
                    "portMappings": [ { "containerPort": 80, "hostPort": 80, "protocol": "tcp" } ],
                    "environment": [], "mountPoints": [], "volumesFrom": [] }
                ],
                "volumes": [], "placementConstraints": [],
                "requiresAttributes": [ { "name": "com.amazonaws.ecs.capability.docker-remote-api.1.18" } ],
                "registeredAt": 1700000000.456,
                "registeredBy": "arn:aws:iam::123456789012:user/deployer"
              },
              "tags": [ { "key": "team", "value": "platform" } ]
            }
            """;

        _model.ValidateResponse("DescribeTaskDefinition", json).ShouldBeEmpty();
    }

    [Fact]
    public void Bad_rolloutState_is_reported_at_its_nested_path()
    {
        var json = ValidDescribeServices.Replace("\"COMPLETED\"", "\"DONE\"");

        var violation = _model.ValidateResponse("DescribeServices", json).ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.services[0].deployments[0].rolloutState");
        violation.Problem.ShouldBe("value \"DONE\" is not a valid DeploymentRolloutState; expected one of: COMPLETED, FAILED, IN_PROGRESS");
    }

    [Fact]
    public void Timestamp_as_string_is_reported()
    {
        var json = ValidDescribeServices.Replace("\"updatedAt\": 1700000100", "\"updatedAt\": \"2023-11-14T22:15:00Z\"");

        var violation = _model.ValidateResponse("DescribeServices", json).ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.services[0].deployments[0].updatedAt");
        violation.Problem.ShouldContain("epoch seconds");
    }

    [Fact]
    public void Null_in_a_response_is_reported()
    {
        var json = ValidDescribeServices.Replace("\"failedTasks\": 0,", "\"failedTasks\": 0, \"platformVersion\": null,");

        _model.ValidateResponse("DescribeServices", json).ShouldHaveSingleItem().Path.ShouldBe("$.services[0].deployments[0].platformVersion");
    }

    [Fact]
    public void Unknown_response_member_is_reported()
    {
        var json = ValidDescribeServices.Replace("\"failedTasks\": 0,", "\"failedTasks\": 0, \"healthyCount\": 2,");

        var violation = _model.ValidateResponse("DescribeServices", json).ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.services[0].deployments[0].healthyCount");
        violation.Problem.ShouldContain("not in structure Deployment");
    }

    [Fact]
    public void Request_shape_is_not_accepted_as_response()
    {
        _model.ValidateResponse("DescribeServices", """{"cluster":"default","services":["web"]}""")
            .Select(v => v.Path).ShouldBe(["$.cluster", "$.services[0]"], ignoreOrder: true);
    }
}

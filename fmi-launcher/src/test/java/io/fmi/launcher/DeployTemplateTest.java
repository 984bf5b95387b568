package io.fmi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** deploy/template.yaml declares what the README's "Deploy on AWS" promises, with least-privilege policies, and cfn-lint accepts it. */
class DeployTemplateTest {
    private static final Path TEMPLATE = Path.of("..", "deploy", "template.yaml");

    private static JsonNode template() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(TEMPLATE));
    }

    @Test
    void declaresTheFunctionTheStoresAndTheRendezvousServer() throws Exception {
        JsonNode resources = template().path("Resources");
        JsonNode function = resources.path("JobFunction");
        assertEquals("AWS::Serverless::Function", function.path("Type").asText());
        JsonNode p = function.path("Properties");
        assertEquals("java21", p.path("Runtime").asText());
        assertEquals("MemorySize", p.path("MemorySize").path("Ref").asText());
        assertEquals("Timeout", p.path("Timeout").path("Ref").asText());
        assertEquals("Architecture", p.path("Architectures").get(0).path("Ref").asText());
        assertEquals("PublishedVersions", p.path("SnapStart").path("ApplyOn").asText());
        JsonNode bucket = resources.path("DataBucket");
        assertEquals("AWS::S3::Bucket", bucket.path("Type").asText());
        JsonNode rule = bucket.path("Properties").path("LifecycleConfiguration").path("Rules").get(0);
        assertEquals("fmi/", rule.path("Prefix").asText());
        assertEquals(1, rule.path("ExpirationInDays").asInt());
        JsonNode table = resources.path("DataTable").path("Properties");
        assertEquals("k", table.path("KeySchema").get(0).path("AttributeName").asText());
        assertEquals("expires_at", table.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(table.path("TimeToLiveSpecification").path("Enabled").asBoolean());
        assertEquals("AWS::EC2::Instance", resources.path("RendezvousInstance").path("Type").asText());
        JsonNode ingress = resources.path("RendezvousSecurityGroup").path("Properties").path("SecurityGroupIngress");
        assertEquals(1, ingress.size(), "only the pairing port is open");
        assertEquals("RendezvousPort", ingress.get(0).path("FromPort").path("Ref").asText());
        assertTrue(resources.path("RendezvousInstance").path("Properties").path("UserData").toString()
                .contains("io.fmi.channel.direct.RendezvousServer"));
    }

    @Test
    void policiesNameTheirOwnResourcesOnly() throws Exception {
        JsonNode resources = template().path("Resources");
        JsonNode policies = resources.path("JobFunction").path("Properties").path("Policies");
        assertEquals(2, policies.size());
        assertEquals("DataBucket", policies.get(0).path("S3CrudPolicy").path("BucketName").path("Ref").asText());
        assertEquals("DataTable", policies.get(1).path("DynamoDBCrudPolicy").path("TableName").path("Ref").asText());
        List<JsonNode> statements = new ArrayList<>();
        resources.path("RendezvousRole").path("Properties").path("Policies")
                .forEach(policy -> policy.path("PolicyDocument").path("Statement").forEach(statements::add));
        assertEquals(2, statements.size());
        for (JsonNode s : statements) {
            assertFalse(s.path("Action").asText().contains("*"), "wildcard action in " + s);
            assertFalse(s.path("Resource").isTextual() && s.path("Resource").asText().equals("*"), "wildcard resource in " + s);
        }
        assertEquals("RendezvousSecret", statements.get(0).path("Resource").path("Ref").asText());
        assertTrue(statements.get(1).path("Resource").path("Fn::Sub").asText().contains("${RendezvousJarKey}"));
    }

    @Test
    void cfnLintAcceptsTheTemplate() throws Exception {
        Process lint = new ProcessBuilder("cfn-lint", TEMPLATE.toString()).redirectErrorStream(true).start();
        assertTrue(lint.waitFor(120, TimeUnit.SECONDS), "cfn-lint did not finish");
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, lint.exitValue(), "cfn-lint: " + output);
    }
}

using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace SkyDeck.Host.Tests.OpenApi;

/// <summary>
/// A C# client generated from an OpenAPI document by NSwag (a standard generator, in process) and compiled by Roslyn
/// together with <paramref name="driver"/> code that uses it, into an assembly loaded in a collectible context.
/// </summary>
public sealed class GeneratedClient : IDisposable
{
    public const string Namespace = "SkyDeck.Generated";
    public const string ClassName = "SkyDeckClient";

    private readonly AssemblyLoadContext _context;

    private GeneratedClient(string code, Assembly assembly, AssemblyLoadContext context)
    {
        Code = code;
        Assembly = assembly;
        _context = context;
    }

    public string Code { get; }

    public Assembly Assembly { get; }

    public static async Task<GeneratedClient> BuildAsync(string openApiJson, string driver)
    {
        var document = await OpenApiDocument.FromJsonAsync(openApiJson);
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = ClassName,
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
        };
        settings.CSharpGeneratorSettings.Namespace = Namespace;
        settings.CSharpGeneratorSettings.JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson;
        var code = new CSharpClientGenerator(document, settings).GenerateFile();

        // The base class library only (not ASP.NET Core, Akka, … that the test process also holds): what a generated
        // client needs, and a quicker compile.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"))
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            $"SkyDeck.Generated.{Guid.NewGuid():N}",
            [CSharpSyntaxTree.ParseText(code), CSharpSyntaxTree.ParseText(driver)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        if (!emitted.Success)
        {
            var saved = Path.Combine(Path.GetTempPath(), $"skydeck-generated-client-{Guid.NewGuid():N}.cs");
            await File.WriteAllTextAsync(saved, code);
            var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10).Select(d => d.ToString());
            throw new Xunit.Sdk.XunitException($"the generated client does not compile (code saved to {saved}):\n{string.Join("\n", errors)}");
        }

        image.Position = 0;
        var context = new AssemblyLoadContext("generated-client", isCollectible: true);
        return new GeneratedClient(code, context.LoadFromStream(image), context);
    }

    /// <summary>Calls the driver's <c>public static async Task&lt;string&gt; RunAsync(HttpClient)</c>.</summary>
    public Task<string> RunAsync(string type, HttpClient http) =>
        (Task<string>)Assembly.GetType(type, throwOnError: true)!.GetMethod("RunAsync")!.Invoke(null, [http])!;

    public void Dispose() => _context.Unload();
}

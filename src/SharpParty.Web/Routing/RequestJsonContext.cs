using System.Text.Json.Serialization;

namespace SharpParty.Web.Routing;

/// <summary>Source-generated JSON for request bodies (no reflection on the hot path).</summary>
[JsonSerializable(typeof(List<string>))]
internal sealed partial class RequestJsonContext : JsonSerializerContext;

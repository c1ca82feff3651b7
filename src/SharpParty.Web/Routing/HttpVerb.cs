namespace SharpParty.Web.Routing;

/// <summary>Every HTTP operation, decided once from method + query + content type (house rule 2: one enum, one switch).</summary>
internal enum HttpVerb
{
    Unknown,
    /// <summary>GET/HEAD on a file.</summary>
    GetFile,
    /// <summary>GET/HEAD on a folder: HTML, or ANSI text for curl.</summary>
    Listing,
    /// <summary><c>?ls</c>: JSON (or <c>?ls=t</c> text, <c>?ls=v</c> ANSI).</summary>
    ListJson,
    /// <summary><c>?tree</c>: the navpane JSON.</summary>
    Tree,
    /// <summary><c>?h</c> on a folder: the control panel (who you are, your volumes; scan, relay and reload for admins).</summary>
    ControlPanel,
    /// <summary><c>?th</c>: a thumbnail, a transcode (<c>?th=opus</c>) or an icon.</summary>
    Thumbnail,
    /// <summary><c>?zip</c> / <c>?tar</c> on a folder: the folder as one streamed archive.</summary>
    Archive,
    /// <summary><c>?v</c> on a file: a markdown document rendered on the server.</summary>
    MarkdownView,
    /// <summary><c>?edit</c> / <c>?edit2</c> on a file: the text editor page.</summary>
    MarkdownEdit,
    Put,
    /// <summary>POST with <c>?raw</c> or a non-form body: like PUT.</summary>
    PostRaw,
    /// <summary>POST multipart/form-data: act=bput/mkdir/login/logout.</summary>
    PostMultipart,
    /// <summary>POST url-encoded <c>msg=</c>.</summary>
    PostMsg,
    Move,
    Copy,
    Delete,
    /// <summary>POST <c>/?delete</c> with a JSON list of paths.</summary>
    DeleteBatch,
    /// <summary>up2k handshake: POST of JSON (or text/plain, as browsers send it) to the destination folder.</summary>
    Up2kHandshake,
    /// <summary>up2k chunk: POST application/octet-stream with X-Up2k-Wark and X-Up2k-Hash.</summary>
    Up2kChunk,
    /// <summary><c>GET /?ups</c>: the caller's recent and unfinished uploads (unpost).</summary>
    UnpostList,
    Options,
    Reload,
    /// <summary><c>?scan</c>: an admin asks for a rescan of the indexed volumes.</summary>
    Rescan,
    /// <summary>GET/POST with <c>?pw=</c> and nothing else to do but log in (cookie set by the auth step).</summary>
    Static,
    MethodNotAllowed,
    /// <summary>WebDAV PROPFIND (RFC 4918 §9.1).</summary>
    PropFind,
    /// <summary>WebDAV PROPPATCH (RFC 4918 §9.2).</summary>
    PropPatch,
    /// <summary>WebDAV MKCOL (RFC 4918 §9.3).</summary>
    Mkcol,
    /// <summary>WebDAV COPY with a Destination header (RFC 4918 §9.8); not the <c>?copy=</c> query.</summary>
    DavCopy,
    /// <summary>WebDAV MOVE with a Destination header (RFC 4918 §9.9); not the <c>?move=</c> query.</summary>
    DavMove,
    /// <summary>WebDAV LOCK (RFC 4918 §9.10).</summary>
    Lock,
    /// <summary>WebDAV UNLOCK (RFC 4918 §9.11).</summary>
    Unlock,
}

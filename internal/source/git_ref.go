package source

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// target is what to fetch: the object the ref names on the remote now and
// the refspecs that bring it in.
type target struct {
	hash  plumbing.Hash
	specs []config.RefSpec
}

// allRefs fetches every branch and tag, to find a commit given by SHA.
func allRefs() []config.RefSpec {
	return []config.RefSpec{"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"}
}

// resolve asks the remote what the ref names now (one ls-remote).
func (g *Git) resolve(ctx context.Context, repo *git.Repository, auth transport.AuthMethod) (target, error) {
	remote, err := repo.Remote(git.DefaultRemoteName)
	if err != nil {
		return target{}, err
	}
	list, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil {
		return target{}, fmt.Errorf("list remote refs: %w", err)
	}
	refs := make(map[plumbing.ReferenceName]*plumbing.Reference, len(list))
	for _, r := range list {
		refs[r.Name()] = r
	}
	return resolveRef(refs, g.opts.Ref)
}

// resolveRef finds ref among the remote's refs: the remote HEAD's branch
// when empty, else a full ref name, a branch, a tag, or a commit SHA.
func resolveRef(refs map[plumbing.ReferenceName]*plumbing.Reference, ref string) (target, error) {
	if ref == "" {
		head := refs[plumbing.HEAD]
		if head == nil || head.Type() != plumbing.SymbolicReference {
			return target{}, fmt.Errorf("the remote HEAD names no branch (empty repository?): give a ref")
		}
		ref = head.Target().String()
	}
	for _, name := range candidates(ref) {
		if r := refs[name]; r != nil && r.Type() == plumbing.HashReference {
			return target{hash: r.Hash(), specs: []config.RefSpec{refSpec(name)}}, nil
		}
	}
	if plumbing.IsHash(ref) {
		return target{hash: plumbing.NewHash(ref), specs: allRefs()}, nil
	}
	return target{}, fmt.Errorf("no branch or tag %q in the repository", ref)
}

// candidates lists the ref names ref may mean, in git's order of preference
// for a fetch: as given, then as a branch, then as a tag.
func candidates(ref string) []plumbing.ReferenceName {
	if strings.HasPrefix(ref, "refs/") {
		return []plumbing.ReferenceName{plumbing.ReferenceName(ref)}
	}
	return []plumbing.ReferenceName{plumbing.NewBranchReferenceName(ref), plumbing.NewTagReferenceName(ref)}
}

// refSpec maps a remote ref to its local name: branches under
// refs/remotes/origin, anything else as is. The + makes it forced.
func refSpec(name plumbing.ReferenceName) config.RefSpec {
	local := name.String()
	if name.IsBranch() {
		local = "refs/remotes/origin/" + name.Short()
	}
	return config.RefSpec("+" + name.String() + ":" + local)
}

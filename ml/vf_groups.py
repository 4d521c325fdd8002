"""Identity groups of video-faces clips, so that no identity is on both sides of a split: the
README's `pair=` notes (a fake with the real clip it was made from) and its list of recurring
people. Returns {video_id: group representative}."""
import csv
import os
import re

# From ../shared/datasets/video-faces/README.md, "Recurring identities".
RECURRING = [
    ['sadtalker-ref_WDA_AlexandriaOcasioCortez_000', 'videoretalking-face_3'],
    ['emo_talk_kara', 'aniportrait_kara'],
    ['lipsyncassign-input_video8s', 'wav2lip-akash_result', 'wav2lip-kuwarkapur_result'],
]


def vf_identity_groups(vf_dir):
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    pairs = {}
    for name in ('index.csv', 'clips.csv'):
        path = os.path.join(vf_dir, name)
        if not os.path.exists(path):
            continue
        for row in csv.DictReader(open(path)):
            vid = row['video_id']
            find(vid)
            m = re.search(r'pair=([\w.-]+)', row.get('note', ''))
            if m:
                key = 'pair:' + m.group(1)
                union(vid, pairs.setdefault(key, vid))
    for ids in RECURRING:
        for other in ids[1:]:
            union(ids[0], other)
    return {v: find(v) for v in list(parent)}

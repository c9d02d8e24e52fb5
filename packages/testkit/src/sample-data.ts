/** The "garden" sample of docs/protocol.md §4: a `plants` collection for local play and tests. */
import type { StoredCollection } from '@adaptors/core';

export const plantsCollection: StoredCollection = {
  id: 'plants',
  displayName: 'Plants',
  fields: [
    { key: '_id', type: 'TEXT', displayName: 'ID' },
    { key: '_createdDate', type: 'DATETIME', displayName: 'Created Date' },
    { key: '_updatedDate', type: 'DATETIME', displayName: 'Updated Date' },
    { key: '_owner', type: 'TEXT', displayName: 'Owner' },
    { key: 'commonName', type: 'TEXT', displayName: 'Common name' },
    { key: 'family', type: 'TEXT', displayName: 'Family' },
    { key: 'heightCm', type: 'NUMBER', displayName: 'Height (cm)' },
    { key: 'perennial', type: 'BOOLEAN', displayName: 'Perennial' },
    { key: 'plantedOn', type: 'DATE', displayName: 'Planted on' },
    { key: 'lastWatered', type: 'DATETIME', displayName: 'Last watered' },
    { key: 'tags', type: 'ARRAY_STRING', displayName: 'Tags' },
    { key: 'care', type: 'OBJECT', displayName: 'Care' },
    {
      key: 'companions',
      type: 'MULTI_REFERENCE',
      displayName: 'Companions',
      multiReferenceOptions: { referencedCollectionId: 'plants' },
    },
  ],
};

export const samplePlants: readonly Record<string, unknown>[] = [
  {
    _id: 'thyme',
    commonName: 'Thyme',
    family: 'Lamiaceae',
    heightCm: 25,
    perennial: true,
    plantedOn: '2026-04-12',
    lastWatered: { $date: '2026-06-03T07:15:00.000Z' },
    tags: ['herb', 'culinary'],
    care: { sun: 'full', waterEveryDays: 4 },
  },
  {
    _id: 'lavender',
    commonName: 'Lavender',
    family: 'Lamiaceae',
    heightCm: 90,
    perennial: true,
    tags: ['herb', 'pollinator'],
  },
  { _id: 'sage', commonName: 'Sage', family: 'Lamiaceae', heightCm: 60, perennial: true, tags: ['herb', 'culinary'] },
  { _id: 'rose', commonName: 'Rose', family: 'Rosaceae', heightCm: 55, perennial: true, tags: ['pollinator'] },
  {
    _id: 'basil',
    commonName: 'Basil',
    family: 'Lamiaceae',
    heightCm: 30,
    perennial: false,
    tags: ['herb', 'culinary'],
  },
  { _id: 'tomato', commonName: 'Tomato', family: 'Solanaceae', heightCm: 150, perennial: false, tags: [] },
];
